<?xml version="1.0" encoding="utf-8"?>
<!-- Rådsarkiv's Atom feeds as a readable Danish page when opened in a browser.
     Feed readers ignore this stylesheet and read the Atom itself. XSLT 1.0
     (what browsers run); no script, no inline style (the site's CSP). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:template match="/atom:feed">
    <html lang="da">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/> (feed)</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="/static/style.css"/>
      </head>
      <body>
        <header class="site-header">
          <div class="wrap header-row"><a class="brand" href="/">Rådsarkiv</a></div>
        </header>
        <main id="indhold" class="wrap feed-page">
          <h1><xsl:value-of select="atom:title"/></h1>
          <xsl:if test="atom:subtitle"><p class="lead"><xsl:value-of select="atom:subtitle"/></p></xsl:if>
          <section class="note feed-help" aria-labelledby="feed-help-title">
            <h2 id="feed-help-title">Sådan følger du med</h2>
            <p>Denne side er et Atom-feed. Kopiér adressen i browserens adresselinje ind i en feedlæser
              (fx Thunderbird, Feedly eller Inoreader), så får du besked, når der kommer nye punkter.</p>
            <p><a href="{atom:link[@rel='alternate']/@href}">Gå til siden, som feedet følger</a></p>
          </section>
          <h2>Seneste punkter (<xsl:value-of select="count(atom:entry)"/>)</h2>
          <xsl:choose>
            <xsl:when test="atom:entry">
              <ol class="plain feed-entries">
                <xsl:apply-templates select="atom:entry"/>
              </ol>
            </xsl:when>
            <xsl:otherwise><p>Ingen punkter endnu.</p></xsl:otherwise>
          </xsl:choose>
        </main>
        <footer class="site-footer"><div class="wrap"><p>Rådsarkiv – søgning i kommunale dagsordener og referater.</p></div></footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li class="feed-entry">
      <h3><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h3>
      <p class="meta">
        <xsl:call-template name="da-date"><xsl:with-param name="stamp" select="atom:updated"/></xsl:call-template>
        <xsl:if test="atom:author/atom:name"> · <xsl:value-of select="atom:author/atom:name"/></xsl:if>
      </p>
      <p class="text"><xsl:value-of select="atom:summary"/></p>
    </li>
  </xsl:template>

  <!-- 2025-05-06T00:00:00Z → "6. maj 2025" -->
  <xsl:template name="da-date">
    <xsl:param name="stamp"/>
    <xsl:variable name="month" select="number(substring($stamp, 6, 2))"/>
    <xsl:choose>
      <xsl:when test="starts-with($stamp, '1970-01-01')">uden dato</xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="number(substring($stamp, 9, 2))"/>
        <xsl:text>. </xsl:text>
        <xsl:choose>
          <xsl:when test="$month = 1">januar</xsl:when>
          <xsl:when test="$month = 2">februar</xsl:when>
          <xsl:when test="$month = 3">marts</xsl:when>
          <xsl:when test="$month = 4">april</xsl:when>
          <xsl:when test="$month = 5">maj</xsl:when>
          <xsl:when test="$month = 6">juni</xsl:when>
          <xsl:when test="$month = 7">juli</xsl:when>
          <xsl:when test="$month = 8">august</xsl:when>
          <xsl:when test="$month = 9">september</xsl:when>
          <xsl:when test="$month = 10">oktober</xsl:when>
          <xsl:when test="$month = 11">november</xsl:when>
          <xsl:otherwise>december</xsl:otherwise>
        </xsl:choose>
        <xsl:text> </xsl:text>
        <xsl:value-of select="substring($stamp, 1, 4)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
