import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ALERT_CHANNELS, ALERT_OUTBOX_STORE, InjectAlertChannels, InjectAlertOutboxStore } from './alerts/alerts.constants.js';
import {
  CIRCUIT_STATE_STORE,
  DEAD_LETTER_STORE,
  ERROR_LOG_STORE,
  ERROR_RECOVERY_OPTIONS,
  InjectCircuitStateStore,
  InjectDeadLetterStore,
  InjectErrorLogStore,
  InjectErrorRecoveryOptions,
} from './error-recovery.constants.js';

@Injectable()
class UsesEveryToken {
  constructor(
    @InjectErrorRecoveryOptions() readonly options: unknown,
    @InjectErrorLogStore() readonly errorLogStore: unknown,
    @InjectCircuitStateStore() readonly circuitStateStore: unknown,
    @InjectAlertChannels() readonly alertChannels: unknown,
    @InjectAlertOutboxStore() readonly alertOutboxStore: unknown,
    @InjectDeadLetterStore() readonly deadLetterStore: unknown,
  ) {}
}

describe('InjectX helpers', () => {
  it('each injects the provider of its own token', async () => {
    const values = { options: { o: 1 }, errorLogStore: { s: 1 }, circuitStateStore: { c: 1 }, alertChannels: [{ a: 1 }], alertOutboxStore: { b: 1 }, deadLetterStore: { d: 1 } };
    const moduleRef = await Test.createTestingModule({
      providers: [
        UsesEveryToken,
        { provide: ERROR_RECOVERY_OPTIONS, useValue: values.options },
        { provide: ERROR_LOG_STORE, useValue: values.errorLogStore },
        { provide: CIRCUIT_STATE_STORE, useValue: values.circuitStateStore },
        { provide: ALERT_CHANNELS, useValue: values.alertChannels },
        { provide: ALERT_OUTBOX_STORE, useValue: values.alertOutboxStore },
        { provide: DEAD_LETTER_STORE, useValue: values.deadLetterStore },
      ],
    }).compile();
    const user = moduleRef.get(UsesEveryToken);
    expect(user.options).toBe(values.options);
    expect(user.errorLogStore).toBe(values.errorLogStore);
    expect(user.circuitStateStore).toBe(values.circuitStateStore);
    expect(user.alertChannels).toBe(values.alertChannels);
    expect(user.alertOutboxStore).toBe(values.alertOutboxStore);
    expect(user.deadLetterStore).toBe(values.deadLetterStore);
    await moduleRef.close();
  });
});
