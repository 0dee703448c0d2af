/**
 * Built-in reusable tool registrations: one line per tool module. Envs use these tools directly;
 * registering them lists them in `thinkgym list` and lets third-party envs find them by name.
 */
export {};
