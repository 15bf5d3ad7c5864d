import { inGesture, sleep } from '../flow/helpers.js';

const log = (...a: unknown[]) => console.log('PROBE', ...a);
describe('probe', () => {
  it('activation + focus', async function () {
    this.timeout(30000);
    const ua = (navigator as any).userActivation;
    log('ua', !!ua, ua?.isActive, ua?.hasBeenActive, 'hasFocus', document.hasFocus(), document.visibilityState);
    const plain = window.open('about:blank', 'x1');
    log('open without gesture ->', !!plain);
    plain?.close();
    const events: string[] = [];
    const t0 = performance.now();
    const rec = (n: string) => () => events.push(`${n}@${Math.round(performance.now() - t0)} vis=${document.visibilityState} focus=${document.hasFocus()}`);
    window.addEventListener('focus', rec('focus'));
    window.addEventListener('blur', rec('blur'));
    document.addEventListener('visibilitychange', rec('vis'));
    const [w] = await inGesture(() => {
      const before = ua?.isActive;
      const p = window.open('about:blank', 'x2', 'popup=yes,width=500,height=680');
      log('in gesture isActive before', before, 'after open', ua?.isActive, 'popup', !!p);
      return p;
    });
    for (const ms of [0, 300, 1000, 2000, 4000, 6000]) {
      await sleep(ms === 0 ? 0 : 300);
    }
    log('after gesture: isActive', ua?.isActive, 'hasFocus', document.hasFocus(), document.visibilityState, events);
    w!.location.replace('/test/unit/flow/fixtures/authorize.html?redirect_uri=' + encodeURIComponent(location.href) + '&state=s');
    await sleep(1000);
    log('after nav hasFocus', document.hasFocus(), document.visibilityState, events);
    w!.close();
    for (let i = 0; i < 8; i++) { await sleep(250); log('t', i, 'closed', w!.closed, 'hasFocus', document.hasFocus(), document.visibilityState); }
    log('events', events);
    await sleep(6000);
    log('later isActive', ua?.isActive);
    const p3 = window.open('about:blank', 'x3');
    log('open w/o gesture later', !!p3); p3?.close();
  });
});
