/** The working-day step clocks live in the case kit; this path stays for existing imports. */
export * from '../case/step-clock';
