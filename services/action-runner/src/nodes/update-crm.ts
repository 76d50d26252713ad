import { nonRetryable } from '@botwot/shared/errors';
import { checkOutboundUrl, type JsonClient, type OutboundPolicy } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

export interface CrmDeps {
  /**
   * A client for a CRM base URL. `stepEndpoint` is true for a URL a step gave: its connections are
   * checked against the outbound policy; a configured CRM's are not.
   */
  clientFor(baseUrl: URL, opts: { stepEndpoint: boolean }): JsonClient;
  endpoints: Record<string, { url: string; token?: string | undefined }>;
  outbound: OutboundPolicy;
}

/** update_crm: create or update a record in the named CRM (or at the step's allowlisted endpoint), with templated fields. */
export function createUpdateCrm(deps: CrmDeps): NodeExecutor<'action/update_crm'> {
  return async ({ config, idempotencyKey, mode, signal, orgId }) => {
    const named = Object.hasOwn(deps.endpoints, config.crmSystem) ? deps.endpoints[config.crmSystem] : undefined;
    let baseUrl = named ? new URL(named.url) : undefined;
    if (config.endpoint) {
      const checked = checkOutboundUrl(config.endpoint, deps.outbound);
      if (!checked.ok) throw nonRetryable('OUTBOUND_URL_REFUSED', `CRM endpoint refused: ${checked.reason}`, 'crm');
      baseUrl = checked.url;
    }
    if (!baseUrl) throw nonRetryable('UNKNOWN_CRM', `no CRM named "${config.crmSystem}" is configured and the step gives no endpoint`, 'crm');
    const fields = config.fields as Record<string, unknown>;
    const request =
      config.action === 'create'
        ? { method: 'POST', path: ['records'], body: { object: config.object ?? 'contact', fields } }
        : { method: 'PATCH', path: ['records', config.recordId ?? ''], body: { fields } };
    if (mode === 'test') {
      return { crm_updated: false, simulated: true, would_send: { channel: 'crm', crm_system: config.crmSystem, action: config.action, method: request.method, path: `/${request.path.map(encodeURIComponent).join('/')}`, body: request.body } };
    }
    const headers: Record<string, string> = { 'idempotency-key': idempotencyKey };
    if (named?.token && !config.endpoint) headers.authorization = `Bearer ${named.token}`;
    const res = await deps.clientFor(baseUrl, { stepEndpoint: !!config.endpoint }).request(request.method, request.path, request.body, { orgId, headers, signal });
    return { crm_updated: true, crm_system: config.crmSystem, action: config.action, record_id: res.id ?? config.recordId ?? null };
  };
}
