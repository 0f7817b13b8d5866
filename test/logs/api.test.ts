import { afterEach, describe, expect, it } from 'vitest';
import { createSdkLogsApi } from '../../src/logs/api.js';
import type { LogsApi } from '../../src/logs/api.js';
import { startEdgeLogsServer } from './logs-server.js';
import type { EdgeLogsServer } from './logs-server.js';

let server: EdgeLogsServer | undefined;
let api: LogsApi | undefined;

afterEach(async () => {
  api?.close();
  await server?.close();
  server = undefined;
  api = undefined;
});

describe('the SDK client of the log reader', () => {
  it("reads each call's own page from its bytes, concurrent calls included", async () => {
    server = await startEdgeLogsServer();
    api = await createSdkLogsApi({ endpoint: server.endpoint, timeoutMs: 5000 }, {});
    const now = Date.now();
    const groups = ['/aws/lambda/a', '/aws/lambda/b', '/aws/lambda/c'];
    for (const [g, group] of groups.entries()) {
      for (let i = 0; i <= g; i++) server.put({ logGroup: group, logStreamName: 's', timestamp: now - 100 + i, ingestionTime: now - 50, message: `${group} ${i}` });
    }
    const pages = await Promise.all(groups.map((logGroupName) => api!.filter({ logGroupName, startTime: now - 1000, endTime: now + 1000 })));
    for (const [g, page] of pages.entries()) {
      // The transport's scan (page-scan.ts), not the SDK's reading, which gives an array.
      expect(Array.isArray(page.events)).toBe(false);
      expect(page.events.slice(0, page.events.length).map((e) => e.message)).toEqual(Array.from({ length: g + 1 }, (_, i) => `${groups[g]} ${i}`));
    }
  });
});
