# fonds: `make demo` runs the archive on its embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FONDS := $(VENV)/bin/fonds
CORPUS ?= ../shared/corpus
DEMO_DB ?= demo/fonds.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test assets demo test bench lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .
	$(MAKE) --no-print-directory assets

install-test: $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	$(MAKE) --no-print-directory assets

# Front-end libraries come from the npm registry (package.json) into the static folder.
assets:
	@if [ -f package.json ]; then \
		if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund && npm run --silent build; \
		else echo "npm not found: pages work without their scripts"; fi; \
	fi

demo: install
	@mkdir -p $(dir $(DEMO_DB))
	@if [ -d $(CORPUS) ]; then \
		$(FONDS) --db $(DEMO_DB) ingest $(CORPUS)/wilson-center $(CORPUS)/frus/*.xml; \
		$(FONDS) --db $(DEMO_DB) authority import $(CORPUS)/authority; \
		$(FONDS) --db $(DEMO_DB) ingest demo-data; \
		$(FONDS) --db $(DEMO_DB) attach sample-belovezha-1991 $(CORPUS)/scans/1991-12-08_Belovezh_Accords_ru.pdf --kind scan --lang ru; \
		$(FONDS) --db $(DEMO_DB) attach sample-belovezha-1991 $(CORPUS)/translations/belovezha/1991-12-08_Belovezh_Accords_text_en.md \
			--kind translation --lang en --maker "Venice Commission"; \
		echo "Scan, transcript and translation side by side: http://$(HOST):$(PORT)/records/sample-belovezha-1991"; \
	else \
		$(FONDS) --db $(DEMO_DB) ingest examples; \
	fi
	$(FONDS) --db $(DEMO_DB) stats
	@echo "Try: $(FONDS) --db $(DEMO_DB) search 'Moskovsky'"
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > $(dir $(DEMO_DB))demo-password
	@$(FONDS) --db $(DEMO_DB) user add demo --role editor --password-file $(dir $(DEMO_DB))demo-password >/dev/null
	@echo "Staff: log in at http://$(HOST):$(PORT)/staff/login as 'demo' with password '$$(cat $(dir $(DEMO_DB))demo-password)' (an editor; docs/curation.md)"
	$(FONDS) --db $(DEMO_DB) serve --host $(HOST) --port $(PORT)

test: install-test
	$(PY) -m pytest

bench: install-test
	$(PY) -m benchmarks.run $(BENCH_ARGS)

lint: install-test
	$(PY) -m mypy src

clean:
	rm -rf $(VENV) demo node_modules src/fonds/web/static/vendor
