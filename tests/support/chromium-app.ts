import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { startTestFeebot, type TestFeebot } from './test-feebot.js';

type StartOptions = Parameters<typeof startTestFeebot>[1];

export interface ChromiumApp {
  readonly app: TestFeebot;
  readonly browser: Browser;
}

/**
 * feebot and Chromium for one test file: started before its tests, stopped after. `env` may be a
 * function, read when feebot starts (after the file's own earlier `beforeAll`, e.g. a fake gateway).
 */
export function useFeebotInChromium(env: Record<string, string> | (() => Record<string, string>) = {}, options?: StartOptions): ChromiumApp {
  let app: TestFeebot | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    app = await startTestFeebot(typeof env === 'function' ? env() : env, options);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  return {
    get app() {
      if (!app) throw new Error('feebot is not started yet');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not started yet');
      return browser;
    },
  };
}

/** The web chat's last bot bubble, and a button in it. */
export const lastBubble = (page: Page) => page.locator('.bubble.bot').last();
export const bubbleButton = (page: Page, name: string | RegExp) => lastBubble(page).getByRole('button', { name });
