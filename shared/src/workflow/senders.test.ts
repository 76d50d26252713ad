import { describe, expect, it } from 'vitest';
import type { StepDefinition } from '../events/index.js';
import { emailAddressOf, normaliseSender, sendersNamedBy, unknownSenderIssue } from './senders.js';

const step = (stepId: string, config: Record<string, unknown>): StepDefinition => ({ stepId, stepType: 'action', config });

describe('senders', () => {
  it('reads the address of a plain or display-name email sender, lower-cased', () => {
    expect(emailAddressOf('Support@Acme.example')).toBe('support@acme.example');
    expect(emailAddressOf('Acme Support <support@acme.example>')).toBe('support@acme.example');
    expect(emailAddressOf('"Acme, Inc." <billing@acme.example>')).toBe('billing@acme.example');
    for (const bad of ['', 'acme', 'a@b', '<a@b.example> x', 'a@b.example\r\nBcc: x@y.example', '{{email_from}}', 'x <{{from}}>', `${'a'.repeat(65)}@b.example`]) {
      expect(emailAddressOf(bad), bad).toBeUndefined();
    }
  });

  it('normalises what the registry holds, and says why a value is not a sender', () => {
    expect(normaliseSender('whatsapp', '100000000000001')).toEqual({ ok: true, value: '100000000000001' });
    expect(normaliseSender('whatsapp', '+1 555')).toMatchObject({ ok: false });
    expect(normaliseSender('whatsapp', '{{phone}}')).toMatchObject({ ok: false });
    expect(normaliseSender('email', 'Team <TEAM@acme.example>')).toEqual({ ok: true, value: 'team@acme.example' });
  });

  it('lists the senders steps name, and names the step that names one that cannot be checked', () => {
    const steps = [
      { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' } },
      step('wa-default', { actionType: 'send_whatsapp', messageTemplate: 'hi' }),
      step('wa-own', { actionType: 'send_whatsapp', messageTemplate: 'hi', phoneNumberId: '200000000000002' }),
      step('wa-template', { actionType: 'send_whatsapp', messageTemplate: 'hi', phoneNumberId: '{{number}}' }),
      step('mail-own', { actionType: 'send_email', to: 'x@y.example', subject: 's', body: 'b', from: 'Acme <Team@Acme.example>' }),
      step('mail-default', { actionType: 'send_email', to: 'x@y.example', subject: 's', body: 'b' }),
      step('broken', { actionType: 'send_email', from: 'not-checked-here' }),
    ];
    const { senders, problems } = sendersNamedBy(steps);
    expect(senders).toEqual([
      { stepId: 'wa-own', kind: 'whatsapp', value: '200000000000002' },
      { stepId: 'mail-own', kind: 'email', value: 'team@acme.example' },
    ]);
    expect(problems).toEqual([{ stepId: 'wa-template', message: expect.stringContaining('config.phoneNumberId must be written out') }]);
    expect(unknownSenderIssue(senders[1]!)).toEqual({ stepId: 'mail-own', message: expect.stringMatching(/^Step mail-own sends from email sender team@acme\.example, which is not registered/) });
  });
});
