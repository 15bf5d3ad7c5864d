/** Environment detection: in-app web views (docs/security.md §18), frames (16), storage (13), user activation (2). */
import { expect } from '@open-wc/testing';
import { hasUserActivation, isInAppBrowser } from '../../../src/flow/first-paint/launch.js';
import { frameContext, sameSite, usableSessionStorage } from '../../../src/flow/lazy/flow.js';
import { inGesture } from './helpers.js';

describe('isInAppBrowser', () => {
  const inApp = [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 307.0.0.34.111 (iPhone15,3; iOS 17_1; en_US; en; scale=3.00; 1290x2796; 532277534)',
    'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.0.0 Mobile Safari/537.36 Instagram 302.0.0.23.114 Android',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]',
    'Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/431.0.0.33.117;]',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.0.0 Mobile Safari/537.36 trill_2023105030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/31.5.3 ByteLocale/en ByteFullLocale/en Region/US BytedanceWebview/d8a21c6',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 TikTok 32.0.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.10.0',
  ];
  const browsers = [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
    'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36 Online/1.0',
  ];

  it('recognises Instagram, Facebook, TikTok and LINE web views', () => {
    for (const ua of inApp) expect(isInAppBrowser(ua), ua).to.equal(true);
  });

  it('leaves real browsers alone', () => {
    for (const ua of browsers) expect(isInAppBrowser(ua), ua).to.equal(false);
    expect(isInAppBrowser()).to.equal(false); // this Chromium
  });
});

describe('frames and sites', () => {
  it('the test page itself is the top window', () => {
    expect(frameContext().kind).to.equal('top');
  });

  it('a same-origin iframe is recognised as such', async () => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    try {
      expect(frameContext(frame.contentWindow!).kind).to.equal('same-origin-frame');
    } finally {
      frame.remove();
    }
  });

  it('sameSite is conservative: same host or a subdomain relation only', () => {
    expect(sameSite('https://app.example.com', 'https://example.com')).to.equal(true);
    expect(sameSite('https://example.com:444', 'https://example.com')).to.equal(true);
    expect(sameSite('https://a.example.com', 'https://b.example.com')).to.equal(false); // unknown without a PSL
    expect(sameSite('http://example.com', 'https://example.com')).to.equal(false);
    expect(sameSite('https://evilexample.com', 'https://example.com')).to.equal(false);
    expect(sameSite('not a url', 'https://example.com')).to.equal(false);
  });
});

describe('storage and activation', () => {
  it('usableSessionStorage answers null when writing throws', () => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = () => {
      throw new DOMException('no', 'QuotaExceededError');
    };
    try {
      expect(usableSessionStorage()).to.equal(null);
    } finally {
      Storage.prototype.setItem = setItem;
    }
    expect(usableSessionStorage()).to.equal(sessionStorage);
  });

  it('user activation is seen inside a click and not outside', async () => {
    expect(hasUserActivation()).to.equal(false);
    const [inside] = await inGesture(() => hasUserActivation());
    expect(inside).to.equal(true);
  });
});
