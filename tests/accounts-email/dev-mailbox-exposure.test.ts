import { describe, expect, it } from 'vitest';
import { startTestFeebot } from '../support/test-feebot.js';

// /dev/mailbox shows live reset links to anyone: only the demo (or an explicit DEV_MAILBOX=true)
// may serve it; a real instance without SMTP_URL refuses to start.

const status = async (baseUrl: string) => (await fetch(`${baseUrl}/dev/mailbox`)).status;

describe('dev mailbox exposure', () => {
  it('is served by the demo', async () => {
    const app = await startTestFeebot();
    try {
      expect(await status(app.baseUrl)).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('a non-demo instance without SMTP_URL or DEV_MAILBOX refuses to start, naming both', async () => {
    await expect(startTestFeebot({}, { demo: false })).rejects.toThrow(/SMTP_URL is not set and DEV_MAILBOX is not true/);
    await expect(startTestFeebot({ DEV_MAILBOX: 'false' }, { demo: true })).rejects.toThrow(/DEV_MAILBOX/);
  });

  it('a non-demo instance with SMTP_URL does not serve it', async () => {
    const app = await startTestFeebot({ SMTP_URL: 'smtp://127.0.0.1:2525' }, { demo: false });
    try {
      expect(await status(app.baseUrl)).toBe(404);
    } finally {
      await app.stop();
    }
  });

  it('DEV_MAILBOX=true outside the demo serves it and warns loudly', async () => {
    const app = await startTestFeebot({ DEV_MAILBOX: 'true' }, { demo: false });
    try {
      expect(await status(app.baseUrl)).toBe(200);
      expect(app.logLines.some((l) => l.includes('"level":40') && l.includes('DEV_MAILBOX=true outside the demo'))).toBe(true);
    } finally {
      await app.stop();
    }
  });

  it('rejects a DEV_MAILBOX that is not true or false', async () => {
    await expect(startTestFeebot({ DEV_MAILBOX: 'yes' }, { demo: true })).rejects.toThrow(/DEV_MAILBOX/);
  });
});
