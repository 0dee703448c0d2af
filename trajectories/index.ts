/**
 * Trajectory datasets: the episode record, its JSON schemas, the crash-safe writer, the streaming
 * reader, summaries, filters and the SFT exporters (LLaMA-Factory ShareGPT, OpenAI fine-tuning).
 */
export * from './export-common.js';
export * from './export-openai.js';
export * from './export-sharegpt.js';
export * from './filters.js';
export * from './reader.js';
export * from './record.js';
export * from './schema.js';
export * from './summary.js';
export * from './writer.js';
