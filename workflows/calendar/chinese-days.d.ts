/**
 * Webpack (Temporal's workflow bundler) picks the package's ES build, which it cannot parse as
 * the package declares itself CommonJS; workflow code therefore imports the UMD build, typed here
 * as the package itself.
 */
declare module 'chinese-days/dist/index.min.js' {
  export * from 'chinese-days';
}
