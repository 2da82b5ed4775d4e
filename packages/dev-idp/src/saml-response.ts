/**
 * The SAML Response the local IdP signs, shaped like Keycloak's: NameID per the client's
 * `saml_name_id_format`, an AuthnStatement with a SessionIndex, and attributes from the client's
 * mappers (user properties, group membership as one multi-valued Attribute or one per group, roles).
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml as escapeXml } from './pages.ts';
import { groupClaim, type Realm, type RealmClient, type RealmUser, rolesOf } from './realm.ts';

const FORMATS: Record<string, string> = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  username: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
};
const NAME_FORMATS: Record<string, string> = {
  Basic: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
  'URI Reference': 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
  Unspecified: 'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified',
};

export function samlResponseXml(o: {
  id: string;
  issuer: string;
  realm: Realm;
  client: RealmClient;
  user: RealmUser;
  acs: string;
  inResponseTo: string;
}): string {
  const now = new Date();
  const later = new Date(now.getTime() + 5 * 60_000).toISOString();
  const format = o.client.attributes.saml_name_id_format ?? 'username';
  const nameId =
    format === 'email'
      ? (o.user.email ?? o.user.username)
      : format === 'persistent'
        ? o.user.id
        : format === 'transient'
          ? `G-${randomBytes(12).toString('hex')}`
          : o.user.username;
  const attributes: string[] = [];
  const attribute = (name: string, nameFormat: string | undefined, values: string[]) =>
    `<saml:Attribute Name="${escapeXml(name)}" NameFormat="${NAME_FORMATS[nameFormat ?? 'Basic'] ?? NAME_FORMATS.Basic}">${values
      .map(
        (v) =>
          `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`,
      )
      .join('')}</saml:Attribute>`;
  for (const m of o.client.protocolMappers) {
    const c = m.config;
    if (m.protocolMapper === 'saml-user-property-mapper') {
      const value = (o.user as unknown as Record<string, unknown>)[c['user.attribute'] ?? ''];
      if (typeof value === 'string')
        attributes.push(attribute(c['attribute.name'] ?? '', c['attribute.nameformat'], [value]));
    } else if (m.protocolMapper === 'saml-group-membership-mapper') {
      const groups = groupClaim(o.user, c['full.path'] === 'true');
      const name = c['attribute.name'] ?? 'member';
      if (c.single === 'true') attributes.push(attribute(name, c['attribute.nameformat'], groups));
      else for (const g of groups) attributes.push(attribute(name, c['attribute.nameformat'], [g]));
    } else if (m.protocolMapper === 'saml-role-list-mapper') {
      const name = c['attribute.name'] ?? 'Role';
      const roles = rolesOf(o.realm, o.user);
      if (c.single === 'true') attributes.push(attribute(name, c['attribute.nameformat'], roles));
      else for (const r of roles) attributes.push(attribute(name, c['attribute.nameformat'], [r]));
    }
  }
  const assertionId = `ID_${randomBytes(16).toString('hex')}`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.id}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${escapeXml(o.acs)}" InResponseTo="${escapeXml(o.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(o.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${now.toISOString()}">` +
    `<saml:Issuer>${escapeXml(o.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${FORMATS[format] ?? FORMATS.username}">${escapeXml(nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${escapeXml(o.inResponseTo)}" NotOnOrAfter="${later}" Recipient="${escapeXml(o.acs)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${new Date(now.getTime() - 30_000).toISOString()}" NotOnOrAfter="${later}"><saml:AudienceRestriction><saml:Audience>${escapeXml(o.client.clientId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${randomBytes(12).toString('hex')}::${o.user.id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes.length ? `<saml:AttributeStatement>${attributes.join('')}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`
  );
}
