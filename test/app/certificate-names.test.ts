import { describe, expect, it } from 'vitest';
import { certificateSubjects } from '../../src/app/certificate-names.js';

describe('certificateSubjects', () => {
  it('covers the appliance names, the hostname, the hotspot, loopback and the current addresses', () => {
    const subjects = certificateSubjects({ hostname: () => 'Stage-Left', addresses: () => ['127.0.0.1', '192.168.1.23', '::1', 'fe80::1', 'fe80::2%wlan0', '2001:db8::5'] }, []);
    expect(subjects.dnsNames).toEqual(['localhost', 'orchestrator.local', 'orchestrator.show', 'stage-left', 'stage-left.local', 'stage-left.show']);
    // A link-local address cannot be opened by a browser without its interface: left out.
    expect(subjects.ipAddresses).toEqual(['10.42.0.1', '127.0.0.1', '::1', '127.0.0.1', '192.168.1.23', '::1', '2001:db8::5']);
  });

  it('adds the names and addresses of ALLOWED_HOSTS, and leaves out what no certificate can name', () => {
    const subjects = certificateSubjects({ hostname: () => 'bad_name', addresses: () => [] }, ['show.example', ' 172.20.0.7 ', '[2001:db8::9]', '*.wild', 'a b']);
    expect(subjects.dnsNames).toEqual(['localhost', 'orchestrator.local', 'orchestrator.show', 'show.example']);
    expect(subjects.ipAddresses).toEqual(['10.42.0.1', '127.0.0.1', '::1', '172.20.0.7', '2001:db8::9']);
  });
});
