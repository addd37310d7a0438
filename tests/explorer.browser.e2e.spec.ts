/// <reference lib="dom" />
/**
 * The explorer in a real browser: Debian's headless Chromium, driven by playwright-core,
 * against the running gateway. The page loads with no network but loopback and without
 * a single Content-Security-Policy violation; the first persona preset fills the Headers
 * pane and the default query runs for it; a forbidden field comes back explained; the
 * external-system preset points the explorer at the contract; `extensions.cost` is shown.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraph, type RunningGraph } from './testkit/graph.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the explorer in headless Chromium', () => {
  let graph: RunningGraph;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const offLoopback: string[] = [];
  const consoleProblems: string[] = [];
  let origin: string;

  beforeAll(async () => {
    graph = await startGraph({ personas: true });
    origin = new URL(graph.gatewayUrl).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext();
    // Nothing but loopback: any other request is recorded and refused.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
      offLoopback.push(url.toString());
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (message) => {
      // A GraphQL answer with status 400/403 is logged by the browser too: that is the test refusing on purpose.
      if (/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
      if (message.type() === 'error' || /Content Security Policy|Refused to/i.test(message.text())) consoleProblems.push(message.text());
    });
    page.on('pageerror', (error) => consoleProblems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await graph?.stop();
  });

  const resultText = () => page.locator('.result-window').innerText();
  const waitForResult = (text: string) =>
    page.waitForFunction((expected) => document.querySelector('.result-window')?.textContent?.includes(expected) ?? false, text, { timeout: 30_000 });
  const setQuery = (query: string) =>
    page.evaluate((text) => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(value: string): void } };
      editor.CodeMirror.setValue(text);
    }, query);
  const run = () => page.locator('.graphiql-execute-button').click();
  const headersText = () =>
    page.evaluate(() => {
      // The Headers pane: the tool editor that is not hidden (Variables is the other one).
      const editor = document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null;
      return editor?.CodeMirror.getValue() ?? '';
    });

  it('loads from the gateway alone, with its favicon and fonts, and no CSP violation', async () => {
    const favicon = page.waitForResponse((response) => response.url().endsWith('/favicon.svg'));
    await page.goto(`${origin}/`);
    await page.locator('.graphiql-container').waitFor();
    expect((await favicon).status()).toBe(200);
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => Array.from(document.fonts as unknown as Iterable<FontFace>).some((font) => font.status === 'loaded'))).toBe(true);
    expect(offLoopback).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  it('starts with the first persona: a fresh token in the Headers pane, and the default query runs', async () => {
    await expect.poll(() => page.locator('#persona').inputValue()).toBe('analyst');
    await expect.poll(headersText).toMatch(/"authorization": "Bearer [\w-]+\.[\w-]+\.[\w-]+"/);
    expect(await page.locator('#endpoint').innerText()).toBe('endpoint /graphql');
    await run();
    await waitForResult('"europolRequests": 1871');
    expect(await resultText()).toContain('"interpolRequests": 14645');
  });

  it('explains a forbidden field: the scope that is missing', async () => {
    await setQuery('{ missingPersons(first: 1) { edges { node { caseNumber fullName } } } }');
    await run();
    await waitForResult('requiredScopes');
    const text = await resultText();
    expect(text).toContain('"UNAUTHORIZED_FIELD_OR_TYPE"');
    expect(text).toContain('"forensics:personal"');
    expect(text).not.toContain('stacktrace');
  });

  it('shows the cost the gateway reports in extensions.cost', async () => {
    // Until the pipeline reports costs, the gateway's answer is given one on its way to the page.
    await page.route(`${origin}/graphql`, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Record<string, unknown>;
      const isIntrospection = (route.request().postData() ?? '').includes('IntrospectionQuery');
      await route.fulfill({ response, json: isIntrospection ? body : { ...body, extensions: { cost: { estimated: 42, max: 5000 } } } });
    });
    await setQuery('{ securityResponders { code } }');
    await run();
    await waitForResult('KOSOVO_POLICE');
    await expect.poll(() => page.locator('#cost').innerText()).toBe('cost 42 (max 5000)');
    await page.unroute(`${origin}/graphql`);
  });

  it('switches to the external-system persona: the contract endpoint and its schema', async () => {
    await page.locator('#persona').selectOption('external-system');
    await expect.poll(() => page.locator('#endpoint').innerText()).toBe('endpoint /external/graphql');
    await expect.poll(headersText).toContain('Bearer ');
    await page.locator('.graphiql-container').waitFor();
    await setQuery('{ securityResponders { code } missingPersons(first: 1) { totalCount } }');
    await run();
    await waitForResult('Cannot query field');
    expect(await resultText()).toContain('missingPersons');
    await setQuery('{ exchangeStatistics(from: "2018-06-01", to: "2025-06-14", groupBy: [CHANNEL]) { groups { channel requests suppressed } } }');
    await run();
    await waitForResult('"SERBIAN_MOI"');
    expect(offLoopback).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });
});
