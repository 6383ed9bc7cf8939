import { describe, expect, it } from 'vitest';
import { fillIdleText, stationUrl, wifiJoinText } from '../../../src/adapters/video/idle-text.js';

describe('fillIdleText', () => {
  it('fills the placeholders and drops a dangling separator', () => {
    expect(fillIdleText('GM stations: {url}   ·   {session}', { url: 'http://10.42.0.1:3000', ssid: '', session: 'Friday' })).toBe(
      'GM stations: http://10.42.0.1:3000   ·   Friday',
    );
    expect(fillIdleText('Wi-Fi {ssid} · {url} · {other}', { url: 'u', ssid: 'Show', session: 's' })).toBe('Wi-Fi Show · u · {other}');
    expect(fillIdleText('{url} · {ssid}', { url: 'u', ssid: '', session: '' })).toBe('u');
  });
});

describe('wifiJoinText', () => {
  it('writes the WIFI: text with the format\'s escapes', () => {
    expect(wifiJoinText('ShowControl', 'secret123')).toBe('WIFI:T:WPA;S:ShowControl;P:secret123;;');
    expect(wifiJoinText('Bar;Back\\Room', 'a:b,c"d;e')).toBe('WIFI:T:WPA;S:Bar\\;Back\\\\Room;P:a\\:b\\,c\\"d\\;e;;');
  });
});

describe('stationUrl', () => {
  it('names the configured host on the scheme it is given: https when HTTPS is on', () => {
    expect(stationUrl('10.42.0.1', 3000)).toBe('http://10.42.0.1:3000');
    expect(stationUrl('10.42.0.1', 3443, 'https')).toBe('https://10.42.0.1:3443');
    expect(stationUrl('0.0.0.0', 3443, 'https')).toMatch(/^https:\/\/[^/]+:3443$/);
  });
});
