// `npm run bench` runs the web chat flow benchmark; `npm run bench -- --telegram` the Telegram
// side-by-side benchmark (bare Telegraf bot vs feebot).
if (process.argv.includes('--telegram')) await import('./telegram/telegram.bench.js');
else await import('./flow.bench.js');
