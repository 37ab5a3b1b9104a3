<?xml version="1.0" encoding="UTF-8"?>
<!-- OAI-PMH responses as a readable page in a browser. Harvesters ignore this stylesheet and read
     the same XML. No inline script or style: the page uses the site's own fonds.css (the CSP stays). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:oai="http://www.openarchives.org/OAI/2.0/"
    xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="oai oai_dc dc">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>

  <xsl:param name="site">Reading room</xsl:param>
  <xsl:variable name="base" select="/oai:OAI-PMH/oai:request"/>
  <xsl:variable name="verb" select="/oai:OAI-PMH/oai:request/@verb"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>OAI-PMH<xsl:if test="$verb">: <xsl:value-of select="$verb"/></xsl:if> · <xsl:value-of select="$site"/></title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="/static/fonds.css"/>
      </head>
      <body>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="site-name" href="/"><xsl:value-of select="$site"/></a>
            <nav aria-label="Main">
              <ul class="nav">
                <li><a href="/search">Search</a></li>
                <li><a href="/browse">Browse</a></li>
                <li><a href="/about#data">About &amp; help</a></li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main">
          <div class="wrap oai">
            <p class="kicker">OAI-PMH 2.0 · what a harvester receives, shown for reading</p>
            <h1>
              <xsl:choose>
                <xsl:when test="$verb"><xsl:value-of select="$verb"/></xsl:when>
                <xsl:otherwise>OAI-PMH request</xsl:otherwise>
              </xsl:choose>
            </h1>
            <nav aria-label="OAI-PMH verbs">
              <ul class="inline-list">
                <li><a href="?verb=Identify">Identify</a></li>
                <li><a href="?verb=ListMetadataFormats">ListMetadataFormats</a></li>
                <li><a href="?verb=ListSets">ListSets</a></li>
                <li><a href="?verb=ListIdentifiers&amp;metadataPrefix=oai_dc">ListIdentifiers</a></li>
                <li><a href="?verb=ListRecords&amp;metadataPrefix=oai_dc">ListRecords</a></li>
              </ul>
            </nav>
            <dl class="record-meta">
              <dt>Base URL</dt><dd><code><xsl:value-of select="$base"/></code></dd>
              <dt>Response date</dt><dd><xsl:value-of select="/oai:OAI-PMH/oai:responseDate"/></dd>
              <xsl:for-each select="$base/@*[name() != 'verb']">
                <dt><xsl:value-of select="name()"/></dt><dd><code><xsl:value-of select="."/></code></dd>
              </xsl:for-each>
            </dl>
            <xsl:apply-templates select="/oai:OAI-PMH/oai:error"/>
            <xsl:apply-templates select="/oai:OAI-PMH/oai:Identify | /oai:OAI-PMH/oai:ListMetadataFormats | /oai:OAI-PMH/oai:ListSets | /oai:OAI-PMH/oai:ListIdentifiers | /oai:OAI-PMH/oai:ListRecords | /oai:OAI-PMH/oai:GetRecord"/>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="oai:error">
    <div class="error-box" role="alert">
      <p><strong><xsl:value-of select="@code"/></strong>: <xsl:value-of select="."/></p>
    </div>
  </xsl:template>

  <xsl:template match="oai:Identify">
    <h2>The repository</h2>
    <dl class="record-meta">
      <xsl:for-each select="oai:*[not(self::oai:description)]">
        <dt><xsl:value-of select="local-name()"/></dt><dd><xsl:value-of select="."/></dd>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <xsl:template match="oai:ListMetadataFormats">
    <h2>Metadata formats</h2>
    <table>
      <thead><tr><th scope="col">Prefix</th><th scope="col">Schema</th><th scope="col">Namespace</th></tr></thead>
      <tbody>
        <xsl:for-each select="oai:metadataFormat">
          <tr>
            <td><a href="?verb=ListRecords&amp;metadataPrefix={oai:metadataPrefix}"><code><xsl:value-of select="oai:metadataPrefix"/></code></a></td>
            <td><xsl:value-of select="oai:schema"/></td>
            <td><xsl:value-of select="oai:metadataNamespace"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <xsl:template match="oai:ListSets">
    <h2>Sets</h2>
    <ul class="plain">
      <xsl:for-each select="oai:set">
        <li><a href="?verb=ListIdentifiers&amp;metadataPrefix=oai_dc&amp;set={oai:setSpec}"><xsl:value-of select="oai:setName"/></a>
          <xsl:text> </xsl:text><code class="count"><xsl:value-of select="oai:setSpec"/></code></li>
      </xsl:for-each>
    </ul>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:ListIdentifiers">
    <h2>Identifiers</h2>
    <ol class="oai-list">
      <xsl:for-each select="oai:header">
        <li><xsl:call-template name="header"/></li>
      </xsl:for-each>
    </ol>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:ListRecords | oai:GetRecord">
    <h2>Records</h2>
    <ol class="oai-list">
      <xsl:for-each select="oai:record">
        <li>
          <xsl:for-each select="oai:header"><xsl:call-template name="header"/></xsl:for-each>
          <xsl:for-each select="oai:metadata/oai_dc:dc">
            <dl class="record-meta">
              <xsl:for-each select="dc:*">
                <dt><xsl:value-of select="local-name()"/></dt><dd><xsl:value-of select="."/></dd>
              </xsl:for-each>
            </dl>
          </xsl:for-each>
          <xsl:if test="oai:metadata/*[not(self::oai_dc:dc)]">
            <p class="hint">Metadata in <code><xsl:value-of select="local-name(oai:metadata/*)"/></code>: open this address with a harvester, or view the page source, to read it.</p>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ol>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template name="header">
    <p class="hit-meta">
      <a href="?verb=GetRecord&amp;metadataPrefix=oai_dc&amp;identifier={oai:identifier}"><code><xsl:value-of select="oai:identifier"/></code></a>
      · <xsl:value-of select="oai:datestamp"/>
      <xsl:if test="@status = 'deleted'"> · deleted</xsl:if>
      <xsl:for-each select="oai:setSpec"> · set <code><xsl:value-of select="."/></code></xsl:for-each>
    </p>
  </xsl:template>

  <xsl:template match="oai:resumptionToken">
    <xsl:if test="string(.)">
      <p><a href="?verb={$verb}&amp;resumptionToken={.}" rel="next">Next page</a>
        <xsl:if test="@completeListSize"> (<xsl:value-of select="@completeListSize"/> in all)</xsl:if></p>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
