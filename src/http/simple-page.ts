import { cspHash } from './security-headers.js';

// The frame of feebot's small server-rendered pages: phone-first, no JavaScript, no external assets.

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const BASE_STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f4f4;color:#222;line-height:1.5}
main{max-width:560px;margin:0 auto;background:#fff;padding:20px 16px;box-sizing:border-box;min-height:100vh}
h1{font-size:1.3rem;margin:0 0 4px}
.en{color:#555;font-size:.92em;margin-top:2px}
label{display:block;margin:14px 0 4px;font-weight:600}
input[type=password]{width:100%;box-sizing:border-box;font-size:1.05rem;padding:10px;border:1px solid #bbb;border-radius:4px}
button{margin-top:18px;width:100%;padding:12px;font-size:1.05rem;background:#b22222;color:#fff;border:0;border-radius:4px}
.error{background:#fdecea;border:1px solid #f5c2c0;color:#8a1c1c;padding:10px;border-radius:4px}
.ok{background:#e8f5e9;border:1px solid #b7dfb9;color:#1b5e20;padding:10px;border-radius:4px}
.rules{font-size:.9em;color:#555}
`;

/**
 * Headers for a page that carries or accepts a secret, on top of the ones every response gets
 * (security-headers.ts: no framing, no referrer, nosniff).
 */
export const PRIVATE_PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex',
};

/** The CSP source allowing the one inline <style> of a page rendered with this `extraStyle`. */
export function simplePageStyleHash(extraStyle = ''): string {
  return cspHash(BASE_STYLE + extraStyle);
}

export function renderSimplePage(lang: string, title: string, body: string, extraStyle = ''): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${BASE_STYLE}${extraStyle}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
