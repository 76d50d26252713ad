export { DEFAULT_KNOBS, Faults, Journal, parseKnobs, type Knobs, type RecordedRequest } from './knobs.js';
export {
  apiError, IdempotencyStore, startHttpStandIn,
  type Handler, type HttpStandInOptions, type StandIn, type StandInRequest, type StandInResponse,
} from './http.js';
export { answerQuestion, intent, reason, sentiment, startBotCore, vulnerabilities, type BotCoreOptions } from './botcore.js';
export { startVoice, type VoiceCall, type VoiceOptions } from './voice.js';
export { DEFAULT_WHATSAPP_TOKEN, startWhatsApp, type WhatsAppDelivery, type WhatsAppOptions, type WhatsAppStandIn } from './whatsapp.js';
export { startCrm, type CrmOptions, type CrmRecord, type CrmRecordWrite, type CrmStandIn } from './crm.js';
export { startSmtp, type ReceivedMail, type SmtpOptions, type SmtpStandIn } from './smtp.js';
export { DEFAULT_PORTS, startAllStandIns, type AllStandIns, type AllStandInsOptions, type StandInName } from './all.js';
export { DEFAULT_JWKS_PORT, startJwks, type JwksOptions, type JwksStandIn, type SignOptions } from './jwks.js';
export { answerQuery, startDns, type DnsStandIn } from './dns.js';
