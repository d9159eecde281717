/**
 * A self-contained HTML reference rendered from the OpenAPI document (no CDN: the local server works offline), so the
 * page can never disagree with /openapi.json.
 */
export function docsPage(document: { info: { title: string; description?: string }; paths?: unknown }): string {
  const paths = (document.paths ?? {}) as Record<
    string,
    Record<
      string,
      {
        summary?: string;
        description?: string;
        requestBody?: unknown;
        responses?: Record<string, { description?: string }>;
      }
    >
  >;
  const sections: string[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses = Object.entries(operation.responses ?? {})
        .map(([status, response]) => `<li><code>${status}</code> ${escapeHtml(response.description ?? "")}</li>`)
        .join("");
      sections.push(
        `<section><h2><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2>` +
          `<p>${escapeHtml(operation.summary ?? "")}</p>` +
          (operation.description ? `<p>${escapeHtml(operation.description)}</p>` : "") +
          `<ul>${responses}</ul></section>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}section{border-top:1px solid #ddd}</style>
</head><body><h1>${escapeHtml(document.info.title)} API</h1><p>${escapeHtml(document.info.description ?? "")}</p>
<p>Schemas of every request and reply: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with
<code>Authorization: Bearer &lt;token&gt;</code> when the service has a token configured.</p>
${sections.join("\n")}
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
