import { DEFAULT_QUEUE_NAME, parseQueueUrl } from '../../queue/connection.js';
import { startWorker } from '../../queue/worker.js';
import { integerFlag, parseCommand, UsageError } from '../args.js';
import { EXIT } from '../errors.js';
import { policyFactory } from './generate.js';

const USAGE = `Usage: thinkgym worker --queue redis://host:port [options]

Runs the shard jobs of runs enqueued by \`thinkgym generate --queue\`; each job carries its run's
whole configuration (env, options, policy, format, rewards), so no other flag is needed. Shards are
written under the run's --out folder, which must be the same path on every machine (NFS, a mounted
bucket). Start as many workers as there are cores or model-server slots, on as many machines.

  --queue URL          Redis URL (redis://[user:password@]host:port[/db], rediss:// for TLS)
  --queue-name NAME    BullMQ queue name (default ${DEFAULT_QUEUE_NAME})
  --concurrency N      shard jobs at once in this process (default 1)
  --lock-duration S    seconds a job's lock lives unrenewed; a killed worker's job comes back after about this long (default 30)
  --until-empty        exit 0 once the queue holds no waiting, delayed or active job

The openai policy reads the API key from this machine's OPENAI_API_KEY (keys never travel in the queue).
Ctrl-C: the episodes in flight finish and the rest of each shard goes back to the queue; a second
Ctrl-C stops at once (the job comes back through the stalled-job check).`;

const FLAGS = {
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  concurrency: { type: 'string' },
  'lock-duration': { type: 'string' },
  'until-empty': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** `thinkgym worker`: runs queued shard jobs until stopped (or until the queue is empty). */
export async function worker(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, FLAGS, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.queue === undefined) throw new UsageError(`--queue is required.\n\n${USAGE}`);
  const address = parseQueueUrl(values.queue, values['queue-name']);
  const concurrency = integerFlag(values.concurrency, 'concurrency', 1, 1);
  const lockSeconds = integerFlag(values['lock-duration'], 'lock-duration', 30, 1);
  const running = await startWorker({
    address,
    concurrency,
    lockDurationMs: lockSeconds * 1000,
    untilEmpty: values['until-empty'] === true,
    policyFactory: (flags, format) => policyFactory(flags, format),
  });
  console.error(
    `worker on ${address.display} (queue ${address.name}), ${concurrency} job(s) at once; Ctrl-C stops after the episodes in flight.`,
  );
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) {
      process.stderr.write('\nstopped at once; the jobs in flight come back through the stalled-job check.\n');
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    process.stderr.write(
      '\nstopping: finishing the episodes in flight, then the rest of each shard goes back to the queue (Ctrl-C again stops at once).\n',
    );
    running.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await running.closed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return interrupted ? EXIT.interrupted : EXIT.ok;
}
