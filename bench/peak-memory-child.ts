/**
 * Child process of bench/peak-memory.ts: runs `thinkgym <args>` in this process, then prints the
 * process's peak resident set size as the last line (`{"exitCode":…,"peakMiB":…}`).
 */
import { main } from '../cli/main.js';

const exitCode = await main(process.argv.slice(2));
console.log(JSON.stringify({ exitCode, peakMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
