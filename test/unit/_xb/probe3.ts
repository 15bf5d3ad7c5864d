import { inGesture, sleep } from '../flow/helpers.js';
const log = (...a: unknown[]) => console.log('PROBE', JSON.stringify(a));
describe('probe', () => {
  it('real coop', async function () {
    this.timeout(30000);
    const ch = new BroadcastChannel('probe-coop');
    const heard: unknown[] = [];
    ch.onmessage = (e) => heard.push(e.data);
    const t0 = performance.now();
    const ev: string[] = [];
    const rec = (n: string) => () => ev.push(`${n}@${Math.round(performance.now() - t0)}`);
    window.addEventListener('focus', rec('focus'));
    window.addEventListener('blur', rec('blur'));
    const [w] = await inGesture(() => window.open('about:blank', 'x2', 'popup=yes,width=500,height=680'));
    await sleep(200);
    w!.location.replace('/test/unit/_xb/coop-page.html?coop=1');
    for (let i = 0; i < 12; i++) { await sleep(250); log(i, Math.round(performance.now() - t0), w!.closed, document.hasFocus(), heard); }
    log(ev);
    ch.postMessage('close');
    await sleep(500);
    log('after close msg', heard, ev);
    ch.close();
  });
});
