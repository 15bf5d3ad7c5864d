import { startVerify } from '../../../src/flow/verify.js';
import { AUTHORITY, CALLBACK, CLIENT_ID, clearKitStorage, inGesture, settle, sleep, useStandInProvider, waitFor, watchWindowOpen } from '../flow/helpers.js';

const log = (...a: unknown[]) => console.log('PROBE', JSON.stringify(a));
describe('probe', () => {
  it('coop', async function () {
    this.timeout(30000);
    useStandInProvider();
    const opens = watchWindowOpen();
    const t0 = performance.now();
    const ev: string[] = [];
    const rec = (n: string) => () => ev.push(`${n}@${Math.round(performance.now() - t0)} vis=${document.visibilityState} focus=${document.hasFocus()}`);
    window.addEventListener('focus', rec('focus'));
    window.addEventListener('blur', rec('blur'));
    document.addEventListener('visibilitychange', rec('vis'));
    let done = '';
    const [outcome] = await inGesture(() => settle(startVerify({ authority: AUTHORITY, clientId: CLIENT_ID, redirectUri: CALLBACK, loginHint: 'wait' }).result));
    void outcome.then((o) => (done = `${Math.round(performance.now() - t0)} ${String(o.error)}`));
    const popup = opens.windows[0]!;
    await waitFor(() => { try { return popup.document.title === 'waiting'; } catch { return false; } }, 5000);
    log('at provider', Math.round(performance.now() - t0), document.hasFocus());
    popup.close();
    for (let i = 0; i < 16; i++) { await sleep(250); if (i % 2) log(i, popup.closed, document.hasFocus(), document.visibilityState, done); }
    log(ev);
    opens.restore(); clearKitStorage();
  });
});
