import base from '../../../web-test-runner.config.mjs';
export default {
  ...base,
  rootDir: '.',
  middleware: [
    (ctx, next) => {
      if (ctx.query && ctx.query.coop) ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      return next();
    },
  ],
};
