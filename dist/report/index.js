import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   VE: () => (/* binding */ DeliveryError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   yo: () => (/* binding */ UserError)
/* harmony export */ });
// Errors that reach the user carry the fix in their message, written where the failure is understood.
// main.ts only turns them into setFailed; it never rewrites them.
/** A problem the user can fix (bad input, missing permission); the message says how. */
class UserError extends Error {
    name = 'UserError';
}
/** A result that could not be delivered: the named job waits until CodePipeline times it out. */
class DeliveryError extends Error {
    name = 'DeliveryError';
    /** The reason, then the one sentence every undelivered result ends with: which job waits, and what to do. */
    static leftWaiting(reason, jobId, fix, options) {
        return new DeliveryError(`${reason}\nCodePipeline job ${jobId} is left waiting until CodePipeline times it out; ${fix}.`, options);
    }
}
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 1714:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2632);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 2632:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
// EXTERNAL MODULE: ./src/runner.ts
var runner = __nccwpck_require__(4813);
// EXTERNAL MODULE: ./src/transport/http.ts
var http = __nccwpck_require__(4025);
// EXTERNAL MODULE: ./src/transport/proxy.ts
var proxy = __nccwpck_require__(7769);
;// CONCATENATED MODULE: ./src/aws/service-error.ts

/**
 * An error answer from an AWS service: `name` is the service's error code (ThrottlingException,
 * AccessDenied, ...), as the SDK names its exceptions. Never carries request content, so never a secret.
 */
class AwsServiceError extends Error {
    status;
    requestId;
    constructor(code, message, status, requestId) {
        super(message);
        this.name = code;
        this.status = status;
        this.requestId = requestId;
    }
}
/** What an error answer that names no error code is called, as in the SDK. */
const UNKNOWN_ERROR = 'UnknownError';
/** The start of a body that is not the service's error format (say, a proxy's HTML page), for the message. */
function unexpectedBody(status, body) {
    const text = (0,http/* bodyExcerpt */.kG)(body);
    return `HTTP ${status}${text ? `: ${text}` : ''}`;
}
/** The request ID AWS answers with: x-amzn-requestid, or x-amz-request-id on the services that use it. */
function requestIdOf(response) {
    const id = response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'];
    return Array.isArray(id) ? id[0] : id;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/aws/sigv4.ts

function sha256Hex(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data, 'utf8').digest('hex');
}
function hmac(key, data) {
    return (0,external_node_crypto_.createHmac)('sha256', key).update(data, 'utf8').digest();
}
/** RFC 3986: unreserved characters stay, every other UTF-8 byte becomes %XX (upper-case hex). */
function uriEncode(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
// Services other than S3 normalise the path (drop "." and empty segments, resolve "..") and encode each
// segment once more, so a wire path of /a%20b is signed as /a%2520b.
function canonicalUri(path) {
    const segments = [];
    for (const segment of path.split('/')) {
        if (segment === '..')
            segments.pop();
        else if (segment !== '' && segment !== '.')
            segments.push(segment);
    }
    const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
    return '/' + segments.map(uriEncode).join('/') + trailing;
}
/** `20150830T123600Z`: ISO 8601 basic format, whole seconds, UTC. */
function amzDate(at) {
    return at.toISOString().replace(/[-:]|\.\d{3}/g, '');
}
function canonicalRequest(request, payloadHash) {
    const headers = Object.entries(request.headers)
        .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [
        request.method.toUpperCase(),
        canonicalUri(request.path),
        '', // no query string
        ...headers.map(([name, value]) => `${name}:${value}`),
        '',
        headers.map(([name]) => name).join(';'),
        payloadHash
    ].join('\n');
}
/**
 * Returns the request's headers plus x-amz-date, x-amz-security-token (temporary credentials) and
 * Authorization. A caller-set x-amz-content-sha256 is used as the payload hash, as the spec allows.
 */
function sign(request, credentials, scope, at) {
    const date = amzDate(at);
    const headers = { ...request.headers, 'x-amz-date': date };
    if (credentials.sessionToken)
        headers['x-amz-security-token'] = credentials.sessionToken;
    const payloadHash = headers['x-amz-content-sha256'] ?? sha256Hex(request.body);
    const creq = canonicalRequest({ ...request, headers }, payloadHash);
    const day = date.slice(0, 8);
    const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', date, credentialScope, sha256Hex(creq)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), scope.region), scope.service), 'aws4_request');
    const signedHeaders = Object.keys(headers)
        .map(name => name.toLowerCase())
        .sort()
        .join(';');
    headers.authorization =
        `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, ` +
            `SignedHeaders=${signedHeaders}, Signature=${hmac(key, stringToSign).toString('hex')}`;
    return headers;
}

;// CONCATENATED MODULE: ./src/aws/aws-json.ts


// The awsJson1_1 protocol: POST / with the operation in x-amz-target, JSON in and out, SigV4-signed.
// One call here is one attempt (plus at most one clock-skew correction); retries are the caller's.
// Error codes AWS gives a request whose signing time is too far from its own clock.
const SKEW_CODES = new Set([
    'RequestTimeTooSkewed',
    'RequestExpired',
    'RequestInTheFuture',
    'InvalidSignatureException',
    'SignatureDoesNotMatch',
    'AuthFailure'
]);
/** AWS refuses signatures more than 15 minutes off; a smaller difference is not what went wrong. */
const SKEW_MS = 5 * 60 * 1000;
class AwsJsonClient {
    options;
    now;
    /** Server time minus local time, learnt from a skew refusal; AWS compares signing time with its clock. */
    clockOffsetMs = 0;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? Date.now;
    }
    async call(operation, input) {
        const body = JSON.stringify(input);
        let response = await this.send(operation, body);
        let error = response.status === 200 ? undefined : parseError(response);
        if (error && this.correctClock(error, response)) {
            response = await this.send(operation, body);
            error = response.status === 200 ? undefined : parseError(response);
        }
        if (error)
            throw error;
        const requestId = requestIdOf(response) ?? '';
        if (response.body.trim() === '')
            return { output: {}, requestId };
        try {
            return { output: JSON.parse(response.body), requestId };
        }
        catch {
            // Not quoted: a successful answer may hold job data with artifact credentials, not yet masked.
            throw new AwsServiceError(UNKNOWN_ERROR, `The answer to ${operation} is not JSON`, 200, requestId);
        }
    }
    send(operation, body) {
        const { connection, targetPrefix, scope, credentials } = this.options;
        const unsigned = {
            method: 'POST',
            path: connection.endpoint.pathname,
            headers: {
                host: connection.endpoint.host,
                'content-type': 'application/x-amz-json-1.1',
                'x-amz-target': `${targetPrefix}.${operation}`,
                'x-amz-content-sha256': sha256Hex(body)
            },
            body
        };
        const at = new Date(this.now() + this.clockOffsetMs);
        return connection.request('POST', sign(unsigned, credentials, scope, at), body);
    }
    /** True when the refusal was about time and the server's Date shows our clock is off: retry once. */
    correctClock(error, response) {
        const serverMs = Date.parse(response.headers.date ?? '');
        if (!SKEW_CODES.has(error.name) || Number.isNaN(serverMs))
            return false;
        const local = this.now();
        if (Math.abs(serverMs - (local + this.clockOffsetMs)) < SKEW_MS)
            return false;
        this.clockOffsetMs = serverMs - local;
        return true;
    }
}
/** `{"__type": "ns#Name:extra", "message": ...}` (or `Message`), the code possibly in x-amzn-errortype. */
function parseError(response) {
    let body = {};
    try {
        body = JSON.parse(response.body) ?? {};
    }
    catch {
        // Not the service talking (a proxy or load balancer); the status decides whether to retry.
    }
    const header = response.headers['x-amzn-errortype'];
    const raw = [Array.isArray(header) ? header[0] : header, body.code, body.__type].find((v) => typeof v === 'string' && v !== '');
    const code = raw?.split(':')[0].split('#').pop() || UNKNOWN_ERROR;
    const message = [body.message, body.Message].find((v) => typeof v === 'string');
    return new AwsServiceError(code, message ?? unexpectedBody(response.status, raw ? '' : response.body), response.status, requestIdOf(response));
}

;// CONCATENATED MODULE: ./src/retry.ts
// The one retry loop: AWS calls (src/aws/retries.ts), the OIDC token and GitHub REST.
// Only transient failures are retried; a permanent error is thrown at once so the user sees it without delay.
const retry_sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
async function withRetry(call, options) {
    const { attempts, isTransient, baseDelayMs = 500, maxDelayMs = 10_000 } = options;
    const wait = options.sleep ?? retry_sleep;
    for (let attempt = 1;; attempt++) {
        try {
            return await call();
        }
        catch (error) {
            if (attempt >= attempts || !isTransient(error))
                throw error;
            // Full jitter, like the AWS SDK, so many runners throttled together do not retry in lockstep.
            const base = typeof baseDelayMs === 'function' ? baseDelayMs(error) : baseDelayMs;
            await wait(Math.random() * Math.min(maxDelayMs, base * 2 ** (attempt - 1)));
        }
    }
}

;// CONCATENATED MODULE: ./src/github/oidc.ts


/** A refusal by the token service; 502, 503 and 504 are retried. */
class OidcTokenError extends Error {
    name = 'OidcTokenError';
    status;
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/** Undefined when the job has no id-token permission (the runner then sets neither variable). */
function oidcEndpoint(env) {
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    return url && requestToken ? { url, requestToken } : undefined;
}
/** Gets a token for `audience` and masks it before returning it. */
async function getIDToken(endpoint, audience, options) {
    // The runner's URL already carries ?api-version=...; @actions/core appends the audience the same way.
    const separator = endpoint.url.includes('?') ? '&' : '?';
    let url;
    try {
        url = new URL(`${endpoint.url}${separator}audience=${encodeURIComponent(audience)}`);
    }
    catch {
        throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL.');
    }
    const connection = new http/* HttpConnection */.V6(url, { timeoutMs: options.timeoutMs, env: options.env });
    const headers = { accept: 'application/json', authorization: `Bearer ${endpoint.requestToken}` };
    try {
        // @actions/core's schedule: 11 tries, waits doubling from 10 ms to at most about 5 s.
        const response = await withRetry(async () => {
            const answer = await connection.request('GET', headers);
            if (answer.status !== 200)
                throw new OidcTokenError(refusal(answer.status, answer.body), answer.status);
            return answer;
        }, {
            attempts: 11,
            sleep: options.sleep,
            baseDelayMs: 10,
            maxDelayMs: 5120,
            isTransient: error => error instanceof OidcTokenError
                ? [502, 503, 504].includes(error.status)
                : (0,http/* isConnectionFailure */.$B)(error)
        });
        const token = parseToken(response.body);
        options.setSecret(token);
        return token;
    }
    finally {
        connection.destroy();
    }
}
function parseToken(body) {
    let value;
    try {
        value = JSON.parse(body)?.value;
    }
    catch {
        // reported below
    }
    if (typeof value !== 'string' || value === '') {
        throw new Error("GitHub's OIDC token service answered without a token.");
    }
    return value;
}
function refusal(status, body) {
    let message;
    try {
        message = JSON.parse(body)?.message;
    }
    catch {
        message = (0,http/* bodyExcerpt */.kG)(body);
    }
    return `GitHub's OIDC token service answered HTTP ${status}${message ? `: ${String(message)}` : ''}.`;
}

;// CONCATENATED MODULE: ./src/aws/endpoints.ts

function endpointUrl(service, region, env) {
    const specific = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
    const ignored = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
    const name = ignored
        ? undefined
        : env[specific]
            ? specific
            : env.AWS_ENDPOINT_URL
                ? 'AWS_ENDPOINT_URL'
                : undefined;
    if (!name) {
        const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
        return new URL(`https://${service}.${region}.${suffix}/`);
    }
    const value = env[name] ?? '';
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new errors/* UserError */.yo(`${name} is "${value}", which is not a URL (for example https://localhost:4566).`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new errors/* UserError */.yo(`${name} is "${value}"; use an http:// or https:// URL.`);
    }
    // The requests are signed without a query string (SigV4 would have to cover it), so none is sent.
    url.search = '';
    url.hash = '';
    return url;
}

;// CONCATENATED MODULE: ./src/aws/retries.ts



// The AWS SDK's standard retry mode, which users of max-attempts expect: retry throttling, 5xx except 501,
// timeouts and dropped connections; never another 4xx. Full-jitter exponential backoff from 100 ms
// (500 ms after throttling), at most 20 s.
const THROTTLING = new Set([
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'RequestThrottledException',
    'TooManyRequestsException',
    'ProvisionedThroughputExceededException',
    'TransactionInProgressException',
    'RequestLimitExceeded',
    'BandwidthLimitExceeded',
    'LimitExceededException',
    'RequestThrottled',
    'SlowDown',
    'PriorRequestNotComplete',
    'EC2ThrottledException'
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
function isThrottling(error) {
    return error instanceof AwsServiceError && (error.status === 429 || THROTTLING.has(error.name));
}
function isTransient(error) {
    if (error instanceof AwsServiceError) {
        return isThrottling(error) || TRANSIENT_STATUS.has(error.status) || TRANSIENT_NAMES.has(error.name);
    }
    return (0,http/* isConnectionFailure */.$B)(error);
}
function withAwsRetry(call, options) {
    const { attempts, sleep, alsoRetry } = options;
    return withRetry(call, {
        attempts,
        sleep,
        isTransient: error => isTransient(error) || (alsoRetry?.(error) ?? false),
        baseDelayMs: error => (isThrottling(error) ? 500 : 100),
        maxDelayMs: 20_000
    });
}

;// CONCATENATED MODULE: ./src/aws/sts.ts

/** One attempt; retries are the caller's. Error answers become AwsServiceError named by STS's Code. */
async function assumeRoleWithWebIdentity(connection, request) {
    const body = new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        WebIdentityToken: request.webIdentityToken,
        DurationSeconds: String(request.durationSeconds)
    }).toString();
    const response = await connection.request('POST', { 'content-type': 'application/x-www-form-urlencoded' }, body);
    if (response.status !== 200)
        throw stsError(response);
    const credentials = sts_element(response.body, 'Credentials') ?? '';
    const accessKeyId = sts_element(credentials, 'AccessKeyId');
    const secretAccessKey = sts_element(credentials, 'SecretAccessKey');
    const sessionToken = sts_element(credentials, 'SessionToken');
    const expiration = new Date(sts_element(credentials, 'Expiration') ?? '');
    if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration.getTime())) {
        // The body is not quoted: it would hold whatever credentials it does have.
        throw new AwsServiceError(UNKNOWN_ERROR, 'STS answered without complete credentials', 200, requestId(response));
    }
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
}
/** `<ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>` */
function stsError(response) {
    const error = sts_element(response.body, 'Error') ?? '';
    const code = sts_element(error, 'Code');
    const message = sts_element(error, 'Message') ?? unexpectedBody(response.status, code ? '' : response.body);
    return new AwsServiceError(code || UNKNOWN_ERROR, message, response.status, requestId(response));
}
/** The header, else the body's RequestId (error documents carry one). */
function requestId(response) {
    return requestIdOf(response) ?? sts_element(response.body, 'RequestId');
}
/**
 * The text of the first `<name>` element (attributes ignored), entities and CDATA decoded;
 * enough for STS's flat, well-known documents, not a general XML parser.
 */
function sts_element(xml, name) {
    const match = new RegExp(`<${name}(?:\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`).exec(xml);
    if (!match)
        return undefined;
    const inner = match[1] ?? '';
    const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(inner);
    return cdata ? cdata[1] : decodeEntities(inner);
}
const NAMED = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity) => {
        if (entity[0] !== '#')
            return NAMED[entity] ?? whole;
        const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
}

;// CONCATENATED MODULE: ./src/aws/credentials.ts







const NO_CREDENTIALS = 'No AWS credentials: set role-to-assume (with permissions: id-token: write) or configure credentials ' +
    'earlier in the job (aws-actions/configure-aws-credentials)';
/**
 * Credentials for this action only: with role-to-assume, the job's OIDC token exchanged for a role session
 * (token and session masked before anything else can print them); without it, the ambient credentials.
 * They are never exported to later steps.
 */
async function resolveCredentials(settings, deps) {
    const env = deps.env ?? process.env;
    const role = settings.role;
    if (!role)
        return ambientCredentials(settings, env);
    const endpoint = oidcEndpoint(env);
    if (!endpoint) {
        throw new errors/* UserError */.yo('role-to-assume is set, but this job cannot get a GitHub OIDC token: add `permissions: id-token: write` ' +
            'to the workflow or to this job.');
    }
    let token;
    try {
        token = await getIDToken(endpoint, role.audience, { setSecret: deps.setSecret, sleep: deps.sleep, env });
    }
    catch (error) {
        // Already says what to fix (say, an unusable HTTPS_PROXY).
        if (error instanceof errors/* UserError */.yo)
            throw error;
        throw new Error(`Could not get a GitHub OIDC token for audience "${role.audience}": ${(0,errors/* errorMessage */.gJ)(error)}`, {
            cause: error
        });
    }
    const sts = new http/* HttpConnection */.V6(endpointUrl('sts', settings.region, env), { env });
    let session;
    try {
        session = await withAwsRetry(() => assumeRoleWithWebIdentity(sts, {
            roleArn: role.arn,
            sessionName: role.sessionName,
            durationSeconds: role.durationSeconds,
            webIdentityToken: token
        }), {
            attempts: settings.maxAttempts,
            sleep: deps.sleep,
            // STS's name for an identity provider that was slow to answer: worth another try.
            alsoRetry: error => error.name === 'IDPCommunicationError'
        });
    }
    catch (error) {
        throw assumeRoleError(error, role.arn, role.audience);
    }
    finally {
        sts.destroy();
    }
    for (const secret of [session.accessKeyId, session.secretAccessKey, session.sessionToken])
        deps.setSecret(secret);
    return session;
}
/**
 * What aws-actions/configure-aws-credentials exports, read directly; only without it is the SDK's default
 * chain (profiles, SSO, web identity file, ECS, EC2 metadata) loaded, since loading it costs ~50 ms.
 */
async function ambientCredentials(settings, env) {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
    if (accessKeyId && secretAccessKey) {
        return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    }
    const { defaultProvider } = await __nccwpck_require__.e(/* import() */ 861).then(__nccwpck_require__.t.bind(__nccwpck_require__, 5861, 19));
    try {
        // The region is for the chain's own STS calls (web identity file, assume-role profiles).
        return await defaultProvider({ clientConfig: { region: settings.region } })();
    }
    catch (error) {
        if (error.name === 'CredentialsProviderError')
            throw new errors/* UserError */.yo(NO_CREDENTIALS, { cause: error });
        throw new Error(`Could not load the ambient AWS credentials: ${(0,errors/* errorMessage */.gJ)(error)}`, {
            cause: error
        });
    }
}
function assumeRoleError(error, roleArn, audience) {
    // STS's messages end with a full stop; the sentences below add their own. A failure that is not STS's
    // answer (network, proxy) must not be put in STS's mouth.
    const text = `${error.name}: ${error.message.replace(/\.$/, '')}`;
    const reason = error instanceof AwsServiceError ? `STS said: ${text}` : `STS could not be reached: ${text}`;
    switch (error.name) {
        case 'AccessDenied':
        case 'AccessDeniedException':
            return new errors/* UserError */.yo(`Could not assume ${roleArn} (sts:AssumeRoleWithWebIdentity). ${reason}. Check the role's trust policy: ` +
                `it must trust the token.actions.githubusercontent.com provider, and its ` +
                `token.actions.githubusercontent.com:sub condition must match this repository and ref.`);
        case 'InvalidIdentityToken':
            return new errors/* UserError */.yo(`Could not assume ${roleArn}: ${reason}. Check that the account has the GitHub OIDC provider ` +
                `(token.actions.githubusercontent.com) with client ID "${audience}" (the audience input).`);
        case 'ValidationError':
            return new errors/* UserError */.yo(`Could not assume ${roleArn}: ${reason}.`);
        default:
            return new Error(`Could not assume ${roleArn}: ${reason}.`, { cause: error });
    }
}

;// CONCATENATED MODULE: ./src/aws/codepipeline.ts







// The SDK's types only (erased at build time): its client costs ~45 ms and ~25 MiB to load, so the calls
// go through the small awsJson1_1 client next door.
/** A CodePipeline call that failed; `code` is the service's error name, e.g. InvalidJobStateException. */
class CodePipelineError extends Error {
    name = 'CodePipelineError';
    code;
    /** How many times the call was sent. */
    attempts;
    /** An earlier attempt may have taken effect without its answer arriving (a 5xx, a connection lost after sending). */
    unanswered;
    constructor(message, code, options) {
        super(message, options);
        this.code = code;
        this.attempts = options?.attempts ?? 1;
        this.unanswered = options?.unanswered ?? false;
    }
}
/** The CodePipeline job-worker calls the bridge makes, with AWS errors turned into messages that say what to fix. */
class CodePipeline {
    connection;
    client;
    settings;
    options;
    constructor(settings, credentials, options) {
        this.settings = settings;
        this.options = options;
        const env = options.env ?? process.env;
        const endpoint = endpointUrl('codepipeline', settings.region, env);
        this.connection = new http/* HttpConnection */.V6(endpoint, { timeoutMs: options.timeoutMs, env });
        this.client = new AwsJsonClient({
            connection: this.connection,
            targetPrefix: 'CodePipeline_20150709',
            scope: { region: settings.region, service: 'codepipeline' },
            credentials,
            now: options.now
        });
    }
    /** Job data includes artifactCredentials; they are masked here, before anything can log them. */
    async getJobDetails(jobId) {
        const { output } = await this.call('GetJobDetails', { jobId }, jobId);
        const data = output.jobDetails?.data ?? {};
        this.maskArtifactCredentials(data);
        return data;
    }
    async putJobSuccessResult(input) {
        return (await this.call('PutJobSuccessResult', input, input.jobId)).requestId;
    }
    async putJobFailureResult(input) {
        return (await this.call('PutJobFailureResult', input, input.jobId)).requestId;
    }
    /** Sends a job's result, whichever kind it is; returns the AWS request ID. */
    putJobResult(result) {
        return result.kind === 'success'
            ? this.putJobSuccessResult(result.input)
            : this.putJobFailureResult(result.input);
    }
    async pollForJobs(input) {
        const { output } = await this.call('PollForJobs', input, undefined);
        const jobs = output.jobs ?? [];
        for (const job of jobs)
            this.maskArtifactCredentials(job.data);
        return jobs;
    }
    /** Returns the job's status after the acknowledgement; only InProgress means this worker owns it. */
    async acknowledgeJob(jobId, nonce) {
        const { output } = await this.call('AcknowledgeJob', { jobId, nonce }, jobId);
        return output.status ?? '';
    }
    destroy() {
        this.connection.destroy();
    }
    maskArtifactCredentials(data) {
        const c = data?.artifactCredentials;
        for (const secret of [c?.accessKeyId, c?.secretAccessKey, c?.sessionToken])
            if (secret)
                this.options.setSecret(secret);
    }
    async call(operation, input, jobId) {
        let attempts = 0;
        let unanswered = false;
        try {
            const { output, requestId } = await withAwsRetry(async () => {
                attempts++;
                try {
                    return await this.client.call(operation, input);
                }
                catch (error) {
                    unanswered ||= mayHaveBeenProcessed(error);
                    throw error;
                }
            }, { attempts: this.settings.maxAttempts, sleep: this.options.sleep });
            return { output: output, requestId };
        }
        catch (error) {
            throw explain(error, operation, jobId, this.settings.region, { attempts, unanswered });
        }
    }
}
/**
 * Whether a failed attempt may still have taken effect: a 5xx, or a connection lost after the request was sent.
 * Throttling, a refused connection or a proxy that could not connect never reached CodePipeline.
 */
function mayHaveBeenProcessed(error) {
    if (error instanceof AwsServiceError)
        return error.status >= 500;
    if (error instanceof proxy/* ProxyError */.T6)
        return false;
    const code = error.code;
    return code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN';
}
function explain(error, operation, jobId, region, tries) {
    const { attempts } = tries;
    const said = `${error.name}: ${error.message}`;
    const code = error.name;
    const fix = (text) => new CodePipelineError(`codepipeline:${operation} failed (${said}). ${text}`, code, {
        cause: error,
        ...tries
    });
    switch (code) {
        case 'JobNotFoundException':
            return fix(`CodePipeline has no job ${jobId} in ${region}: check the job ID and aws-region.`);
        case 'InvalidJobStateException':
            return fix(`Job ${jobId} already has a result (or has timed out).`);
        case 'AccessDeniedException':
            return fix(`Allow codepipeline:${operation} in the IAM policy of the role this action uses.`);
        case 'UnrecognizedClientException':
        case 'InvalidSignatureException':
        case 'ExpiredTokenException':
        case 'InvalidClientTokenId':
            return fix('The AWS credentials were refused: check role-to-assume, or the credentials configured earlier in the job.');
        case 'ValidationException':
        case 'InvalidNonceException':
        case 'ActionTypeNotFoundException':
        case 'OutputVariablesSizeExceededException':
            return fix('The request was refused as invalid; it is not retried.');
        default: {
            const network = error.code;
            const detail = network && !said.includes(network) ? ` [${network}]` : '';
            return fix(`Gave up${attempts > 1 ? ` after ${attempts} attempts` : ''}${detail}; CodePipeline or the network may be unavailable.`);
        }
    }
}
/** The single factory: credentials (OIDC role or ambient), then a client that signs with them. */
async function connectCodePipeline(settings, deps) {
    return new CodePipeline(settings, await resolveCredentials(settings, deps), deps);
}

;// CONCATENATED MODULE: ./src/aws/pipeline-context.ts
/** Keeps only the pipeline's coordinates from job data, dropping artifactCredentials and everything else. */
function pipelineContext(data) {
    const context = data?.pipelineContext;
    return {
        pipelineName: context?.pipelineName,
        pipelineExecutionId: context?.pipelineExecutionId,
        stageName: context?.stage?.name,
        actionName: context?.action?.name
    };
}
function consoleUrl(region, context) {
    if (!context.pipelineName)
        return undefined;
    const pipeline = `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(context.pipelineName)}`;
    return context.pipelineExecutionId
        ? `${pipeline}/executions/${context.pipelineExecutionId}/timeline?region=${region}`
        : `${pipeline}/view?region=${region}`;
}
function describePlace(context) {
    return [context.pipelineName, context.stageName, context.actionName].filter(Boolean).join(' / ');
}

;// CONCATENATED MODULE: ./src/github/context.ts

function runContext(env) {
    const repository = env.GITHUB_REPOSITORY ?? '';
    const [owner = '', repo = ''] = repository.split('/');
    const runId = env.GITHUB_RUN_ID ?? '';
    if (!owner || !repo || !/^\d+$/.test(runId)) {
        throw new errors/* UserError */.yo('This action must run inside a GitHub Actions workflow: GITHUB_REPOSITORY and GITHUB_RUN_ID are not set.');
    }
    const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    return {
        serverUrl,
        apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
        repository,
        owner,
        repo,
        workflow: env.GITHUB_WORKFLOW || repository,
        runId,
        runNumber: env.GITHUB_RUN_NUMBER || '?',
        runAttempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
        runnerName: env.RUNNER_NAME ?? '',
        runUrl: `${serverUrl}/${repository}/actions/runs/${runId}`
    };
}

;// CONCATENATED MODULE: ./src/inputs.ts

function fromEnv(env) {
    // Mirrors how the runner names inputs: INPUT_<NAME> with spaces as underscores, hyphens kept.
    return name => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
function required(input, name, hint) {
    const value = input(name);
    if (!value)
        throw new errors/* UserError */.yo(`Input ${name} is required: ${hint}`);
    return value;
}
function oneOf(input, name, allowed, fallback) {
    const value = input(name) || fallback;
    const match = allowed.find(a => a.toLowerCase() === value.toLowerCase());
    if (!match)
        throw new errors/* UserError */.yo(`Input ${name} is "${value}"; allowed values: ${allowed.join(', ')}.`);
    return match;
}
function integer(input, name, range, fallback) {
    const raw = input(name);
    if (!raw)
        return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < range.min || value > range.max) {
        throw new errors/* UserError */.yo(`Input ${name} is "${raw}"; use a whole number from ${range.min} to ${range.max}.`);
    }
    return value;
}
function inputs_boolean(input, name, fallback) {
    const raw = input(name).toLowerCase();
    if (!raw)
        return fallback;
    if (['true', 'yes', 'on', '1'].includes(raw))
        return true;
    if (['false', 'no', 'off', '0'].includes(raw))
        return false;
    throw new errors/* UserError */.yo(`Input ${name} is "${input(name)}"; use true or false.`);
}
function matching(input, name, pattern, allowed) {
    const value = input(name);
    if (!value)
        return undefined;
    if (!pattern.test(value))
        throw new errors/* UserError */.yo(`Input ${name} is "${value}"; ${allowed}.`);
    return value;
}
function bounded(input, name, range) {
    const value = input(name);
    if (!value)
        return undefined;
    if (value.length > range.max) {
        throw new errors/* UserError */.yo(`Input ${name} is ${value.length} characters long; the limit is ${range.max}.`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/limits.ts
// Every API constraint the bridge enforces before sending, in one place. The AWS SDK validates nothing
// client-side, so a value that breaks one of these would otherwise fail only after a network round trip.
const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FAILURE_TYPES = [
    'JobFailed',
    'ConfigurationError',
    'PermissionError',
    'RevisionOutOfSync',
    'RevisionUnavailable',
    'SystemUnavailable'
];
const codepipeline = {
    failureMessage: { min: 1, max: 5000 },
    summary: { min: 1, max: 2048 },
    externalExecutionId: { min: 1, max: 1500 },
    continuationToken: { min: 1, max: 2048 },
    percentComplete: { min: 0, max: 100 },
    outputVariableName: /^[A-Za-z0-9@\-_]+$/,
    outputVariablesBytes: 122880,
    maxBatchSize: { min: 1, max: 100 },
    queryParamValue: /^[a-zA-Z0-9_-]{1,50}$/,
    queryParamKey: /^[a-zA-Z0-9_-]{1,50}$/,
    provider: /^[0-9A-Za-z_-]{1,35}$/,
    actionVersion: /^[0-9A-Za-z_-]{1,9}$/,
    categories: ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute']
};
const sts = {
    roleSessionName: /^[\w+=,.@-]{2,64}$/,
    roleSessionNameMax: 64,
    durationSeconds: { min: 900, max: 43200 },
    roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
};
const retry = { maxAttempts: { min: 1, max: 20 } };
// GitHub's rules for what the poll action sends it. The poll action's other ranges are our policy, not API
// limits, and stay in src/poll/settings.ts: wait-seconds (0–3600, bounded by the role session and runner minutes).
const github = {
    /** Inputs on one workflow_dispatch event. */
    maxDispatchInputs: 25,
    /** workflow_dispatch input names (job-id-input): a letter or _, then letters, digits, - and _. */
    dispatchInputName: /^[A-Za-z_][A-Za-z0-9_-]*$/,
    /** max-concurrency: GitHub's secondary rate limit allows at most 100 concurrent requests per token. */
    concurrentRequests: { min: 1, max: 100 }
};

;// CONCATENATED MODULE: ./src/text.ts
// Fitting text into API limits, counted in UTF-16 code units as the service counts string length.
const TRUNCATION_MARKER = ' … [truncated]';
/** Cuts `text` to at most `max` characters, ending with the marker, never between the halves of a surrogate pair. */
function truncate(text, max) {
    if (text.length <= max)
        return text;
    let end = Math.max(0, max - TRUNCATION_MARKER.length);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff)
        end -= 1;
    return text.slice(0, end) + TRUNCATION_MARKER;
}
/** Keeps `head` and `tail` whole and truncates the middle, so a long job list never pushes out the run URL. */
function fit(head, middle, tail, max) {
    const room = max - head.length - tail.length;
    if (room < TRUNCATION_MARKER.length)
        return truncate(head + middle + tail, max);
    return head + truncate(middle, room) + tail;
}

;// CONCATENATED MODULE: ./src/job-result.ts


function success(jobId, details, continuationToken, outputVariables) {
    return {
        kind: 'success',
        input: {
            jobId,
            executionDetails: {
                summary: truncate(details.summary, codepipeline.summary.max),
                ...externalId(details.externalExecutionId),
                ...(details.percentComplete !== undefined ? { percentComplete: details.percentComplete } : {})
            },
            ...(continuationToken ? { continuationToken } : {}),
            ...(outputVariables ? { outputVariables } : {})
        }
    };
}
function failure(jobId, type, message, externalExecutionId) {
    return {
        kind: 'failure',
        input: {
            jobId,
            failureDetails: {
                type,
                message: truncate(message, codepipeline.failureMessage.max),
                ...externalId(externalExecutionId)
            }
        }
    };
}
function externalId(id) {
    return id ? { externalExecutionId: truncate(id, codepipeline.externalExecutionId.max) } : {};
}
function operationOf(result) {
    return result.kind === 'success' ? 'PutJobSuccessResult' : 'PutJobFailureResult';
}

;// CONCATENATED MODULE: ./src/messages.ts


function runLabel(run) {
    return `GitHub workflow "${run.workflow}" run #${run.runNumber} (attempt ${run.runAttempt})`;
}
function successSummary(run) {
    return `${runLabel(run)} succeeded: ${run.runUrl}`;
}
/** Names the workflow, run, failed jobs and steps, and links the run; always within CodePipeline's 5000 characters. */
function failureMessage(outcome, run) {
    if (outcome.unknown) {
        return fit(`${runLabel(run)} could not be judged: `, outcome.unknown.reason, `. Run: ${run.runUrl}`, codepipeline.failureMessage.max);
    }
    const verb = outcome.cancelled ? 'was cancelled' : 'failed';
    const details = outcome.failedJobs.map(describeJob).join('; ');
    return fit(`${runLabel(run)} ${verb}`, details ? `: ${details}` : '', `. Run: ${run.runUrl}`, codepipeline.failureMessage.max);
}
function describeJob(job) {
    const how = job.conclusion === 'timed_out' ? 'timed out' : job.conclusion === 'cancelled' ? 'was cancelled' : 'failed';
    if (job.steps.length === 0)
        return `job "${job.name}" ${how}`;
    const steps = job.steps.map(s => `"${s.name}"${s.conclusion === 'failure' ? '' : ` (${s.conclusion.replace('_', ' ')})`}`);
    return `job "${job.name}" ${how} at step ${steps.join(', ')}`;
}
/** "a", "b" and "c": names as they appear in messages. */
function quoteList(names) {
    return names.map(name => `"${name}"`).join(', ');
}

;// CONCATENATED MODULE: ./src/report/request.ts


/** The exact request CodePipeline will receive, within every limit of its API. */
function buildRequest(settings, outcome, run) {
    const externalExecutionId = settings.externalExecutionId ?? run.runId;
    if (outcome.ok) {
        const { summary = successSummary(run), percentComplete, continuationToken, outputVariables } = settings;
        return success(settings.jobId, { summary, externalExecutionId, percentComplete }, continuationToken, outputVariables);
    }
    // A run that could not be judged explains why, even over a custom message: that is what needs fixing.
    const message = settings.message && !outcome.unknown ? settings.message : failureMessage(outcome, run);
    return failure(settings.jobId, outcome.unknown?.failureType ?? settings.failureType, message, externalExecutionId);
}

;// CONCATENATED MODULE: ./src/markdown.ts
// Job summary Markdown: values from users and APIs must not break the table they sit in.
/** Text safe inside a table cell: pipes escaped, line breaks kept as <br>. */
function cell(text) {
    return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
/** Inline code; backticks are dropped because they would end it. */
function code(text) {
    return `\`${text.replace(/`/g, '')}\``;
}

;// CONCATENATED MODULE: ./src/report/summary.ts


/** The step's outputs; names are part of the action's contract (action.yml). */
function reportOutputs(record) {
    return {
        result: record.result,
        'job-id': record.jobId,
        'request-id': record.requestId ?? '',
        'pipeline-name': record.pipeline.pipelineName ?? '',
        'pipeline-execution-id': record.pipeline.pipelineExecutionId ?? '',
        'stage-name': record.pipeline.stageName ?? '',
        'action-name': record.pipeline.actionName ?? ''
    };
}
const HEADLINE = {
    succeeded: '✅ Reported success to CodePipeline',
    failed: '❌ Reported failure to CodePipeline',
    'already-reported': '⚠️ CodePipeline job already had a result; nothing was changed',
    'dry-run': '🔎 Dry run: nothing was sent to CodePipeline'
};
/** Markdown for the job summary page. */
function reportSummary(record) {
    const { request, pipeline } = record;
    const link = consoleUrl(record.region, pipeline);
    const rows = [
        ['Job ID', code(record.jobId)],
        [
            'Pipeline',
            link ? `[${cell(pipeline.pipelineName ?? '')}](${link})` : cell(pipeline.pipelineName ?? '—')
        ],
        ['Stage', cell(pipeline.stageName ?? '—')],
        ['Action', cell(pipeline.actionName ?? '—')]
    ];
    if (request.kind === 'success') {
        rows.push(['Reported', 'PutJobSuccessResult'], ['Summary', cell(request.input.executionDetails?.summary ?? '')]);
        if (request.input.continuationToken)
            rows.push(['Continuation token', 'sent (the action keeps running)']);
        const names = Object.keys(request.input.outputVariables ?? {});
        if (names.length)
            rows.push(['Output variables', names.map(code).join(', ')]);
    }
    else {
        const details = request.input.failureDetails;
        rows.push(['Reported', `PutJobFailureResult (${details?.type})`], ['Message', cell(details?.message ?? '')]);
    }
    if (record.requestId)
        rows.push(['AWS request ID', code(record.requestId)]);
    const table = rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n');
    return `### ${HEADLINE[record.result]}\n\n| | |\n|---|---|\n${table}\n`;
}

;// CONCATENATED MODULE: ./src/report/deliver.ts







const credentialDeps = { setSecret: runner/* setSecret */.Pq };
/**
 * Sends the outcome to CodePipeline, then writes outputs and the job summary. A result that cannot be
 * delivered throws a DeliveryError naming the job left waiting; a job that already has a result is a warning.
 */
async function deliver(settings, run, outcome, known) {
    const request = buildRequest(settings, outcome, run);
    const record = {
        jobId: settings.jobId,
        region: settings.aws.region,
        request,
        result: request.kind === 'success' ? 'succeeded' : 'failed',
        pipeline: known?.pipeline ?? {}
    };
    if (settings.dryRun) {
        runner/* info */.pq(`Dry run: would call ${operationOf(request)} with\n${JSON.stringify(request.input, null, 2)}`);
        record.result = 'dry-run';
    }
    else {
        // A client handed in belongs to the caller, who closes it.
        const codepipeline = known?.codepipeline ?? (await connect(settings));
        try {
            // The job's place in the pipeline is only for outputs and the summary: fetched alongside, never required.
            const [sent, details] = await Promise.allSettled([
                codepipeline.putJobResult(request),
                known?.pipeline ?? codepipeline.getJobDetails(settings.jobId).then(pipelineContext)
            ]);
            if (details.status === 'fulfilled')
                record.pipeline = details.value;
            else
                runner/* debug */.Yz(`GetJobDetails (for the summary only) failed: ${(0,errors/* errorMessage */.gJ)(details.reason)}`);
            if (sent.status === 'fulfilled')
                record.requestId = sent.value;
            else if (sent.reason instanceof CodePipelineError && sent.reason.code === 'InvalidJobStateException') {
                runner/* warning */.$e(sent.reason.unanswered
                    ? `CodePipeline job ${settings.jobId} already has a result: most likely this ${request.kind} itself, ` +
                        'delivered by an earlier attempt whose answer was lost.'
                    : `CodePipeline job ${settings.jobId} already has a result (a re-run, or the job timed out); ` +
                        `this ${request.kind} was not recorded.`);
                record.result = 'already-reported';
            }
            else
                throw undelivered(settings.jobId, request, sent.reason);
        }
        finally {
            if (!known?.codepipeline)
                codepipeline.destroy();
        }
        if (record.result !== 'already-reported')
            runner/* info */.pq(describe(record));
    }
    for (const [name, value] of Object.entries(reportOutputs(record)))
        runner/* setOutput */.uH(name, value);
    runner/* appendSummary */.fe(reportSummary(record));
    return record;
}
const REPORT_AGAIN = 're-run this workflow job to report again';
async function connect(settings) {
    try {
        return await connectCodePipeline(settings.aws, credentialDeps);
    }
    catch (error) {
        throw errors/* DeliveryError */.VE.leftWaiting((0,errors/* errorMessage */.gJ)(error), settings.jobId, REPORT_AGAIN, { cause: error });
    }
}
function undelivered(jobId, request, error) {
    const reason = `Could not deliver the ${request.kind} of CodePipeline job ${jobId}: ${(0,errors/* errorMessage */.gJ)(error)}`;
    return errors/* DeliveryError */.VE.leftWaiting(reason, jobId, REPORT_AGAIN, { cause: error });
}
function describe(record) {
    const place = describePlace(record.pipeline);
    const where = `CodePipeline job ${record.jobId}${place ? ` (${place})` : ''}`;
    const request = record.request;
    return request.kind === 'success'
        ? `Reported success of ${where}: ${request.input.executionDetails?.summary}`
        : `Reported failure (${request.input.failureDetails?.type}) of ${where}: ${request.input.failureDetails?.message}`;
}

;// CONCATENATED MODULE: ./src/github/client.ts


/**
 * The longest one call waits, in all, for a rate limit GitHub says when it lifts (retry-after, or
 * x-ratelimit-reset once the limit is used up). Our policy: a limit that lifts later gives up at once, since
 * the jobs of a poll must still be answered within the role session.
 */
const RATE_LIMIT_WAIT_MAX_MS = 60_000;
/** A GitHub API call that failed; `status` is the HTTP status (undefined when no response came back). */
class GitHubError extends Error {
    name = 'GitHubError';
    status;
    /** Refused for a rate limit (429, or 403 for a used-up limit): GitHub did nothing with the request. */
    rateLimited;
    constructor(message, status, options) {
        super(message, options);
        this.status = status;
        this.rateLimited = options?.rateLimited ?? false;
    }
}
/** Octokit is loaded only by the paths that talk to GitHub. Its base URL follows GITHUB_API_URL (GHES, tests). */
async function connectGitHub(token, apiUrl, attempts, sleep = retry_sleep) {
    const { getOctokit } = await __nccwpck_require__.e(/* import() */ 413).then(__nccwpck_require__.bind(__nccwpck_require__, 2413));
    const octokit = getOctokit(token, { baseUrl: apiUrl });
    return {
        octokit,
        async call(what, send, options) {
            const retryable = options?.retry === 'unsent' ? isUnsent : client_isTransient;
            // What GitHub asked to wait before the next attempt, and how much of the budget is spent.
            let pause = 0;
            let waited = 0;
            try {
                return await withRetry(async () => {
                    try {
                        return await send(octokit);
                    }
                    catch (error) {
                        pause = waitAsked(error);
                        throw error;
                    }
                }, {
                    attempts,
                    isTransient: error => retryable(error) && waited + pause <= RATE_LIMIT_WAIT_MAX_MS,
                    sleep: ms => {
                        const wait = Math.max(ms, pause);
                        waited += pause;
                        return sleep(wait);
                    }
                });
            }
            catch (error) {
                const status = statusOf(error);
                const later = pause > 0 && waited + pause > RATE_LIMIT_WAIT_MAX_MS
                    ? ` (GitHub asked to wait ${Math.ceil(pause / 1000)} s)`
                    : '';
                throw new GitHubError(`GitHub API ${what} failed${status ? ` (HTTP ${status})` : ''}: ${(0,errors/* errorMessage */.gJ)(error)}${later}`, status, { cause: error, rateLimited: isRateLimited(error) });
            }
        }
    };
}
function statusOf(error) {
    return error?.status;
}
function header(error, name) {
    const value = error?.response?.headers?.[name];
    return value === undefined || value === null ? undefined : String(value);
}
/**
 * GitHub refused for a rate limit, so it did nothing: 429, or 403 for a used-up primary limit
 * (x-ratelimit-remaining: 0) or a secondary limit (the message says "rate limit").
 */
function isRateLimited(error) {
    const status = statusOf(error);
    if (status === 429)
        return true;
    if (status !== 403)
        return false;
    const message = error.message;
    return /rate limit/i.test(String(message ?? '')) || header(error, 'x-ratelimit-remaining') === '0';
}
/** Milliseconds GitHub asks to wait before trying again: retry-after, the reset of a used-up limit, or a minute. */
function waitAsked(error) {
    const retryAfter = header(error, 'retry-after');
    if (retryAfter !== undefined) {
        const seconds = Number(retryAfter);
        const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
        return Number.isFinite(ms) ? Math.max(0, ms) : 0;
    }
    if (!isRateLimited(error))
        return 0;
    const reset = Number(header(error, 'x-ratelimit-reset'));
    if (header(error, 'x-ratelimit-remaining') === '0' && reset > 0)
        return Math.max(0, reset * 1000 - Date.now());
    // A secondary limit without retry-after: GitHub's documentation asks to wait at least a minute.
    return statusOf(error) === 403 ? SECONDARY_LIMIT_WAIT_MS : 0;
}
const SECONDARY_LIMIT_WAIT_MS = 60_000;
/** Rate limited (GitHub did nothing) or the connection was refused (the request never arrived). */
function isUnsent(error) {
    if (isRateLimited(error))
        return true;
    for (let e = error; e; e = e.cause) {
        if (e.code === 'ECONNREFUSED')
            return true;
    }
    return false;
}
function client_isTransient(error) {
    const status = statusOf(error);
    // Octokit reports a dropped connection as status 500 with no response, so both land here.
    return status === undefined || isRateLimited(error) || status >= 500;
}

;// CONCATENATED MODULE: ./src/github/runs.ts
/** All jobs of one attempt of a run (paginated, 100 a page), with their steps. */
async function listAttemptJobs(github, repository, runId, attempt) {
    const jobs = await github.call(`list jobs of run ${runId} attempt ${attempt}`, octokit => octokit.paginate(octokit.rest.actions.listJobsForWorkflowRunAttempt, {
        ...repository,
        run_id: Number(runId),
        attempt_number: attempt,
        per_page: 100
    }));
    return jobs.map(job => ({
        id: job.id,
        name: job.name,
        status: job.status,
        conclusion: job.conclusion,
        runnerName: job.runner_name,
        url: job.html_url,
        steps: (job.steps ?? []).map(step => ({
            number: step.number,
            name: step.name,
            status: step.status,
            conclusion: step.conclusion ?? null
        }))
    }));
}
async function getRun(github, repository, runId) {
    const { data } = await github.call(`get run ${runId}`, octokit => octokit.rest.actions.getWorkflowRun({ ...repository, run_id: Number(runId) }));
    return {
        id: data.id,
        name: data.name ?? '',
        runNumber: data.run_number,
        attempt: data.run_attempt ?? 1,
        status: data.status ?? '',
        conclusion: data.conclusion,
        url: data.html_url
    };
}

;// CONCATENATED MODULE: ./src/outcome.ts
const BAD = new Set(['failure', 'cancelled', 'timed_out', 'startup_failure']);
function notJudged(reason, failureType) {
    return { ok: false, cancelled: false, failedJobs: [], unknown: { reason, failureType } };
}
function fromStatus(status) {
    return { ok: status === 'success', cancelled: status === 'cancelled', failedJobs: [] };
}
/**
 * The job running this step: the one in progress on this runner. Job names are not unique across a matrix,
 * but a runner runs one job at a time, so the runner name is.
 */
function findCurrentJob(jobs, runnerName) {
    return jobs.find(job => job.status === 'in_progress' && job.runnerName === runnerName);
}
/** This job, judged by its steps so far (it is still running while its post step reports). */
function judgeOwnSteps(job) {
    const steps = badSteps(job);
    if (steps.length === 0)
        return { ok: true, cancelled: false, failedJobs: [] };
    const conclusion = steps.some(s => s.conclusion !== 'cancelled') ? 'failure' : 'cancelled';
    return verdict([{ name: job.name, conclusion, steps }]);
}
/** The other jobs of the attempt, judged by their conclusions (for a final job with `needs:`). */
function judgeOtherJobs(jobs, current) {
    const failed = jobs
        .filter(job => job !== current && job.conclusion !== null && BAD.has(job.conclusion))
        .map(job => ({ name: job.name, conclusion: job.conclusion, steps: badSteps(job) }));
    return verdict(failed);
}
/**
 * Steps of this job before its post steps that GitHub does not show as completed yet. The runner uploads step
 * results asynchronously, so the post step may read the job before a failed step's result has landed. The
 * steps the runner runs after the main steps (post steps, "Stop containers" for container and service jobs,
 * "Complete job") are still to come, so only steps numbered before the first of them count.
 */
function unsettledSteps(job) {
    const late = job.steps.filter(step => LATE_STEP.test(step.name)).map(step => step.number);
    const end = late.length ? Math.min(...late) : Infinity;
    return job.steps.filter(step => step.number < end && step.status !== 'completed').map(step => step.name);
}
const LATE_STEP = /^(Post |Stop containers$|Complete job$)/;
/** Jobs of the attempt other than this one that have not finished; their result is not known yet. */
function unfinishedJobs(jobs, current) {
    return jobs.filter(job => job !== current && job.status !== 'completed').map(job => job.name);
}
function verdict(failedJobs) {
    if (failedJobs.length === 0)
        return { ok: true, cancelled: false, failedJobs };
    return { ok: false, cancelled: failedJobs.every(job => job.conclusion === 'cancelled'), failedJobs };
}
function badSteps(job) {
    return job.steps
        .filter(step => step.conclusion !== null && BAD.has(step.conclusion))
        .map(step => ({ name: step.name, conclusion: step.conclusion }));
}

;// CONCATENATED MODULE: ./src/report/judge.ts






// GitHub records step and job results a little after they happen; re-reading for a few seconds lets them land.
const SETTLE_DELAYS_MS = [250, 500, 1000, 2000, 2000, 2000];
/** Reads this run attempt's jobs until nothing is pending, or the settle time is over. */
async function readSettled(settings, run, pending, sleep = retry_sleep) {
    const github = await connectGitHub(settings.githubToken, run.apiUrl, settings.aws.maxAttempts);
    for (let reads = 0;; reads++) {
        const jobs = await readJobs(settings, run, github);
        const current = findCurrentJob(jobs, run.runnerName);
        const waiting = pending(jobs, current);
        if (!waiting.length || reads === SETTLE_DELAYS_MS.length)
            return { jobs, current, pending: waiting };
        runner/* debug */.Yz(`Waiting ${SETTLE_DELAYS_MS[reads]} ms for GitHub to record: ${waiting.join(', ')}`);
        await sleep(SETTLE_DELAYS_MS[reads]);
    }
}
/**
 * Reads this run attempt's jobs and judges them. When GitHub cannot be read, the outcome says why and is a
 * failure: an unknown result must neither pass as success nor leave the pipeline waiting.
 */
async function judgeRun(settings, run, pending, judge) {
    try {
        return judge(await readSettled(settings, run, pending));
    }
    catch (error) {
        if (isPermissionProblem(error))
            return notJudged(error.message, 'ConfigurationError');
        return notJudged(`GitHub's API could not be read: ${(0,errors/* errorMessage */.gJ)(error)}`, 'SystemUnavailable');
    }
}
async function readJobs(settings, run, github) {
    github ??= await connectGitHub(settings.githubToken, run.apiUrl, settings.aws.maxAttempts);
    try {
        return await listAttemptJobs(github, run, run.runId, run.runAttempt);
    }
    catch (error) {
        throw explainReadError(error);
    }
}
/** The token may not read the run: a fix in the workflow. An exhausted rate limit is a 403 too, but passes. */
function isPermissionProblem(error) {
    return error instanceof GitHubError && !error.rateLimited && [401, 403, 404].includes(error.status ?? 0);
}
function explainReadError(error) {
    if (!(error instanceof GitHubError))
        return error;
    if (error.status === 401) {
        return new GitHubError(`github-token was refused (HTTP 401): pass \${{ github.token }} or a valid token. ${error.message}`, 401, { cause: error });
    }
    if (!error.rateLimited && (error.status === 403 || error.status === 404)) {
        return new GitHubError(`github-token may not read this run's jobs (HTTP ${error.status}): add \`permissions: actions: read\` ` +
            `to the workflow or job. ${error.message}`, error.status, { cause: error });
    }
    return error;
}
/** The job running this step, looked up by runner name, is missing from the run's jobs: nothing can be judged. */
function notFound(settings, run) {
    return notJudged(`this job was not found among the run's jobs in progress on runner "${run.runnerName}"`, settings.failureType);
}

;// CONCATENATED MODULE: ./src/aws/settings.ts



// Partition prefixes are two to four letters: eu-west-1, us-gov-west-1, cn-north-1, eusc-de-east-1.
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;
function parseAwsSettings(input, env, runId) {
    const region = input('aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    if (!region) {
        throw new errors/* UserError */.yo('No AWS region: set the aws-region input to the region of the pipeline (for example eu-west-1), or AWS_REGION.');
    }
    if (!REGION.test(region)) {
        throw new errors/* UserError */.yo(`aws-region is "${region}", which is not an AWS region name (for example eu-west-1).`);
    }
    const maxAttempts = integer(input, 'max-attempts', retry.maxAttempts, 5);
    const arn = matching(input, 'role-to-assume', sts.roleArn, 'use a role ARN such as arn:aws:iam::123456789012:role/github-codepipeline');
    const durationSeconds = integer(input, 'role-duration-seconds', sts.durationSeconds, 900);
    const sessionName = matching(input, 'role-session-name', sts.roleSessionName, 'use 2 to 64 characters of letters, digits and +=,.@_-') ?? defaultSessionName(runId);
    const audience = input('audience') || 'sts.amazonaws.com';
    if (!arn)
        return { region, maxAttempts };
    return { region, maxAttempts, role: { arn, sessionName, durationSeconds, audience } };
}
/** Names the run in CloudTrail, so an audit can tell which workflow run made a call. */
function defaultSessionName(runId) {
    return `github-actions-run-${runId}`.slice(0, sts.roleSessionNameMax);
}

;// CONCATENATED MODULE: ./src/json.ts
/**
 * Parses JSON from an input or a pipeline property. On a syntax error, the reason is returned without the
 * excerpt V8 quotes ("Unexpected token 's', "{"TOKEN": s3cr…" is not valid JSON"): the text may hold secrets
 * or resolved pipeline variables, and must not reach a log or a failure message.
 */
function parseJson(raw, reviver) {
    try {
        return { value: JSON.parse(raw, reviver) };
    }
    catch (error) {
        const reason = error.message.replace(/,? (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
        return { reason };
    }
}

;// CONCATENATED MODULE: ./src/report/output-variables.ts



/**
 * `KEY=value` lines (or a JSON object of strings) → CodePipeline output variables, checked against the
 * service's name pattern and total size so a bad value fails here, not after the build has run.
 */
function parseOutputVariables(raw) {
    if (!raw.trim())
        return undefined;
    const variables = /^[[{]/.test(raw.trim()) ? fromJson(raw) : fromLines(raw);
    let bytes = 0;
    for (const [name, value] of Object.entries(variables)) {
        if (!codepipeline.outputVariableName.test(name)) {
            throw new errors/* UserError */.yo(`output-variables: "${name}" is not a valid variable name; use letters, digits and @ - _ only.`);
        }
        bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    }
    if (bytes > codepipeline.outputVariablesBytes) {
        throw new errors/* UserError */.yo(`output-variables total ${bytes} bytes; CodePipeline allows ${codepipeline.outputVariablesBytes} bytes for all of an ` +
            "action's variables together. Pass fewer or shorter values (store large data as an artifact).");
    }
    return variables;
}
function fromLines(raw) {
    const variables = {};
    for (const [index, line] of raw.split(/\r?\n/).entries()) {
        if (!line.trim())
            continue;
        const eq = line.indexOf('=');
        if (eq <= 0) {
            throw new errors/* UserError */.yo(`output-variables line ${index + 1} is "${line}"; write one KEY=value per line.`);
        }
        add(variables, line.slice(0, eq).trim(), line.slice(eq + 1));
    }
    return variables;
}
function fromJson(raw) {
    const result = parseJson(raw);
    if ('reason' in result)
        throw new errors/* UserError */.yo(`output-variables looks like JSON but does not parse: ${result.reason}`);
    const parsed = result.value;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new errors/* UserError */.yo('output-variables as JSON must be an object of names to values, e.g. {"IMAGE_TAG": "v1"}.');
    }
    const variables = {};
    for (const [name, value] of Object.entries(parsed)) {
        if (value !== null && typeof value === 'object') {
            throw new errors/* UserError */.yo(`output-variables: the value of "${name}" is not a string, number or boolean.`);
        }
        add(variables, name, String(value));
    }
    return variables;
}
function add(variables, name, value) {
    if (Object.hasOwn(variables, name))
        throw new errors/* UserError */.yo(`output-variables sets "${name}" twice; keep one.`);
    variables[name] = value;
}

;// CONCATENATED MODULE: ./src/report/settings.ts





const STATUSES = ['job', 'workflow', 'success', 'failure', 'cancelled'];
function parseReportSettings(input, env) {
    const jobId = required(input, 'job-id', 'pass the CodePipeline job ID, e.g. ${{ inputs.codepipeline-job-id }}.');
    if (!JOB_ID_PATTERN.test(jobId)) {
        throw new errors/* UserError */.yo(`Input job-id is "${jobId}", which is not a CodePipeline job ID (a lowercase UUID such as ` +
            '0123abcd-4567-89ab-cdef-0123456789ab). Pass the ID the poller gave the workflow.');
    }
    const status = oneOf(input, 'status', STATUSES, 'job');
    const outputVariables = parseOutputVariables(input('output-variables'));
    const continuationToken = bounded(input, 'continuation-token', codepipeline.continuationToken);
    if (outputVariables && continuationToken) {
        throw new errors/* UserError */.yo('Inputs output-variables and continuation-token cannot be combined: CodePipeline accepts output variables ' +
            'only on the final result of an action. Remove one of them.');
    }
    const githubToken = input('github-token');
    if (!githubToken && (status === 'job' || status === 'workflow')) {
        throw new errors/* UserError */.yo(`Input github-token is empty, but status "${status}" reads this run's jobs: pass \${{ github.token }} ` +
            'with `permissions: actions: read`.');
    }
    return {
        jobId,
        status,
        failureType: oneOf(input, 'failure-type', FAILURE_TYPES, 'JobFailed'),
        message: input('message') || undefined,
        summary: input('summary') || undefined,
        externalExecutionId: bounded(input, 'external-execution-id', codepipeline.externalExecutionId),
        percentComplete: integer(input, 'percent-complete', codepipeline.percentComplete),
        outputVariables,
        continuationToken,
        githubToken,
        dryRun: inputs_boolean(input, 'dry-run', false),
        aws: parseAwsSettings(input, env, env.GITHUB_RUN_ID ?? '')
    };
}

;// CONCATENATED MODULE: ./src/report/state.ts

// What the main step hands to the post step (runs.post). Only non-secret facts: credentials are obtained
// again in the post step, never stored.
const keys = { isPost: 'isPost', armed: 'armed', pipeline: 'pipeline' };
const isPost = () => runner/* getState */.Gu(keys.isPost) === 'true';
/** Saved first thing in the main step, so the runner's second invocation knows it is the post step. */
const markMainStarted = () => runner/* saveState */.LZ(keys.isPost, 'true');
function armPostStep(pipeline) {
    runner/* saveState */.LZ(keys.pipeline, JSON.stringify(pipeline));
    runner/* saveState */.LZ(keys.armed, 'true');
}
/** The pipeline context when the main step checked the set-up and left the report to the post step. */
function armedFor() {
    if (runner/* getState */.Gu(keys.armed) !== 'true')
        return undefined;
    try {
        return JSON.parse(runner/* getState */.Gu(keys.pipeline) || '{}');
    }
    catch {
        return {};
    }
}

;// CONCATENATED MODULE: ./src/report/main-step.ts












/** The main step: report now (explicit status, workflow) or check the set-up and leave the report to the post step. */
async function runMainStep(env = process.env) {
    const settings = parseReportSettings(fromEnv(env), env);
    const run = runContext(env);
    if (settings.githubToken)
        runner/* setSecret */.Pq(settings.githubToken);
    switch (settings.status) {
        case 'job':
            return checkSetUp(settings, run);
        case 'workflow':
            return reportWorkflow(settings, run);
        default:
            return reportStatus(settings, run, settings.status);
    }
}
async function reportStatus(settings, run, status) {
    let outcome = fromStatus(status);
    if (!outcome.ok && !settings.message && settings.githubToken) {
        // Best effort: name the failed steps of this job; without actions: read the message is still useful.
        try {
            const current = findCurrentJob(await readJobs(settings, run), run.runnerName);
            if (current)
                outcome = { ...judgeOwnSteps(current), ok: false, cancelled: status === 'cancelled' };
        }
        catch (error) {
            runner/* info */.pq(`Could not read this job's steps for the failure message: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
    }
    await deliver(settings, run, outcome);
}
async function reportWorkflow(settings, run) {
    const outcome = await judgeRun(settings, run, (jobs, current) => (current ? unfinishedJobs(jobs, current) : ['this job']), ({ jobs, current, pending }) => {
        if (!current)
            return notFound(settings, run);
        if (!pending.length)
            return judgeOtherJobs(jobs, current);
        return notJudged(`job(s) ${quoteList(pending)} had not finished. Make this job depend on every other job with ` +
            '`needs:` and run it with `if: always()`', 'ConfigurationError');
    });
    await deliver(settings, run, outcome);
}
/**
 * Proves before the build runs that the report at the end can be delivered: credentials, the job, and read
 * access to this run's jobs. A misconfiguration fails this first step; when AWS is reachable it is also
 * reported to CodePipeline at once, so the pipeline stops instead of waiting for a timeout.
 */
async function checkSetUp(settings, run) {
    if (settings.dryRun) {
        armPostStep({});
        runner/* info */.pq('Dry run: inputs are valid; the post step will print the request it would send.');
        return;
    }
    let codepipeline;
    let pipeline;
    let problem;
    let record;
    try {
        codepipeline = await connectCodePipeline(settings.aws, credentialDeps);
        pipeline = pipelineContext(await codepipeline.getJobDetails(settings.jobId));
        problem = await gitHubReadProblem(settings, run);
        if (problem)
            record = await deliver(settings, run, problem, { codepipeline, pipeline });
    }
    catch (error) {
        throw waitingIfUnreported(error, settings.jobId);
    }
    finally {
        codepipeline?.destroy();
    }
    if (problem?.unknown) {
        const told = record?.result === 'already-reported'
            ? 'CodePipeline already had a result for the job.'
            : `Reported to CodePipeline as a ${problem.unknown.failureType}.`;
        throw new errors/* UserError */.yo(`${problem.unknown.reason}\n${told}`);
    }
    armPostStep(pipeline);
    const place = describePlace(pipeline);
    runner/* info */.pq(`Set-up checked for CodePipeline job ${settings.jobId}${place ? ` (${place})` : ''}; the result is reported when this job ends.`);
}
/**
 * Why the post step could not judge this job, if that is already clear: a permission problem, or this job not
 * being found. A passing GitHub outage only warns: the post step reads again.
 */
async function gitHubReadProblem(settings, run) {
    try {
        const { current } = await readSettled(settings, run, (_jobs, current) => (current ? [] : ['this job']));
        return current ? undefined : notFound(settings, run);
    }
    catch (error) {
        if (isPermissionProblem(error))
            return notJudged(error.message, 'ConfigurationError');
        runner/* warning */.$e(`Could not check read access to this run's jobs now; the post step will try again: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    return undefined;
}
/** Unless the job does not exist or the error already says so, say that the job is left waiting. */
function waitingIfUnreported(error, jobId) {
    if (error instanceof errors/* DeliveryError */.VE)
        return error;
    if (error instanceof CodePipelineError && error.code === 'JobNotFoundException')
        return error;
    return errors/* DeliveryError */.VE.leftWaiting((0,errors/* errorMessage */.gJ)(error), jobId, 'fix the set-up and re-run this job', {
        cause: error
    });
}

;// CONCATENATED MODULE: ./src/report/post-step.ts









/** The post step (post-if: always()): judges this job's steps and reports, when the main step armed it. */
async function runPostStep(env = process.env) {
    const pipeline = armedFor();
    if (!pipeline) {
        // Explicit and workflow modes reported in the main step; a failed set-up check already said why.
        runner/* debug */.Yz('Nothing to report in the post step.');
        return;
    }
    const settings = parseReportSettings(fromEnv(env), env);
    const run = runContext(env);
    runner/* setSecret */.Pq(settings.githubToken);
    const outcome = await judgeRun(settings, run, (_jobs, current) => (current ? unsettledSteps(current) : ['this job']), ({ current, pending }) => {
        if (!current)
            return notFound(settings, run);
        if (pending.length) {
            return notJudged(`GitHub still showed step(s) ${quoteList(pending)} of job "${current.name}" as unfinished`, 'SystemUnavailable');
        }
        return judgeOwnSteps(current);
    });
    await deliver(settings, run, outcome, { pipeline });
}

;// CONCATENATED MODULE: ./src/report/main.ts





/** The runner calls the same bundle for the main and the post step; the saved state tells them apart. */
async function run() {
    try {
        if (isPost())
            await runPostStep();
        else {
            markMainStarted();
            await runMainStep();
        }
    }
    catch (error) {
        runner/* setFailed */.C1((0,errors/* errorMessage */.gJ)(error));
    }
}


/***/ }),

/***/ 4813:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $e: () => (/* binding */ warning),
/* harmony export */   C1: () => (/* binding */ setFailed),
/* harmony export */   Gu: () => (/* binding */ getState),
/* harmony export */   LZ: () => (/* binding */ saveState),
/* harmony export */   Pq: () => (/* binding */ setSecret),
/* harmony export */   Yz: () => (/* binding */ debug),
/* harmony export */   fe: () => (/* binding */ appendSummary),
/* harmony export */   pq: () => (/* binding */ info),
/* harmony export */   uH: () => (/* binding */ setOutput)
/* harmony export */ });
/* unused harmony export error */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);



// The runner's workflow commands and file commands, as documented for GitHub Actions and implemented by
// @actions/core. @actions/core 3 is not used at run time because loading it (it pulls in undici through
// @actions/http-client) costs ~80 ms and ~22 MiB, more than this action's whole start-up budget.
function command(name, message, properties = {}) {
    const props = Object.entries(properties)
        .filter(([, value]) => value)
        .map(([key, value]) => `${key}=${escape(value).replace(/:/g, '%3A').replace(/,/g, '%2C')}`)
        .join(',');
    process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escape(message)}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`);
}
function escape(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Appends `name<<delimiter` blocks to a GITHUB_* file, so values may span lines. */
function fileCommand(file, name, value) {
    const path = process.env[`GITHUB_${file}`];
    if (!path) {
        // Older runners without file commands; the action targets node24 runners, which all have them.
        command(file === 'OUTPUT' ? 'set-output' : 'save-state', value, { name });
        return;
    }
    const delimiter = `ghadelimiter_${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)()}`;
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(path, `${name}<<${delimiter}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}${value}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}${delimiter}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`, 'utf8');
}
const info = (message) => void process.stdout.write(message + node_os__WEBPACK_IMPORTED_MODULE_2__.EOL);
const debug = (message) => command('debug', message);
const warning = (message) => command('warning', message);
const error = (message) => command('error', message);
const masked = new Set();
/** Registers a value the runner must mask in every log line from now on (multi-line values line by line). */
function setSecret(secret) {
    for (const line of secret.split(/\r?\n/)) {
        if (!line.trim() || masked.has(line))
            continue;
        masked.add(line);
        command('add-mask', line);
    }
}
const setOutput = (name, value) => fileCommand('OUTPUT', name, value);
const saveState = (name, value) => fileCommand('STATE', name, value);
const getState = (name) => process.env[`STATE_${name}`] ?? '';
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
/** Appends Markdown to the job summary page; a no-op outside a runner (e.g. local runs without the file). */
function appendSummary(markdown) {
    const path = process.env.GITHUB_STEP_SUMMARY;
    if (path)
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(path, markdown + node_os__WEBPACK_IMPORTED_MODULE_2__.EOL, 'utf8');
}


/***/ }),

/***/ 4025:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $B: () => (/* binding */ isConnectionFailure),
/* harmony export */   MU: () => (/* binding */ TimeoutError),
/* harmony export */   PG: () => (/* binding */ hostAndPort),
/* harmony export */   V6: () => (/* binding */ HttpConnection),
/* harmony export */   _O: () => (/* binding */ USER_AGENT),
/* harmony export */   kG: () => (/* binding */ bodyExcerpt)
/* harmony export */ });
/* unused harmony export DEFAULT_TIMEOUT_MS */
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7769);

// HTTP exchanges over node:http or node:https, whichever the endpoint needs, loaded on first use: the AWS
// SDK and fetch (undici) cost more to load than this action's whole start-up budget. Shared by the AWS client
// (src/aws) and the OIDC token request (src/github/oidc.ts); what is worth retrying at the service level is
// theirs to say, only the connection failures are classified here. Behind a proxy (HTTPS_PROXY and the
// like, see proxy.ts) an http endpoint is asked through the proxy with the absolute URL, an https one through
// a CONNECT tunnel (tunnel.ts, loaded only then).
/** Kept equal to package.json's version by a test. */
const USER_AGENT = 'codepipeline-github-actions-bridge/1.0.0';
/** Long enough for any answer from AWS or GitHub; short enough that a hung connection is retried. */
const DEFAULT_TIMEOUT_MS = 30_000;
const EXCERPT_LENGTH = 200;
/**
 * The start of a response body for an error message, whitespace collapsed, at most 200 characters and an
 * ellipsis when cut: enough to recognise a proxy's or load balancer's page. Never use it on a successful
 * answer, which may hold credentials.
 */
function bodyExcerpt(body) {
    const characters = Array.from(body.replace(/\s+/g, ' ').trim());
    return characters.length <= EXCERPT_LENGTH
        ? characters.join('')
        : `${characters.slice(0, EXCERPT_LENGTH).join('')}…`;
}
/** No response arrived in time; `code` makes it retryable like any dropped connection. */
class TimeoutError extends Error {
    name = 'TimeoutError';
    code = 'ETIMEDOUT';
}
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** A proxy's answers that mean it could not reach the endpoint just now. */
const PROXY_TRANSIENT_STATUS = new Set([502, 503, 504]);
/**
 * No complete answer: refused, reset or dropped connection, no response in time, or a proxy that could not
 * reach the endpoint.
 */
function isConnectionFailure(error) {
    const { code, message } = (error ?? {});
    return ((typeof code === 'string' && CONNECTION_CODES.has(code)) ||
        (typeof message === 'string' && /socket hang up/i.test(message)) ||
        (error instanceof _proxy_js__WEBPACK_IMPORTED_MODULE_0__/* .ProxyError */ .T6 && PROXY_TRANSIENT_STATUS.has(error.status ?? 0)));
}
/** Requests to one endpoint over kept-alive connections, until destroy(). */
class HttpConnection {
    endpoint;
    /** Undefined for a direct connection. A UserError here if a proxy variable is unusable. */
    proxy;
    timeoutMs;
    route;
    agent;
    constructor(endpoint, options = {}) {
        this.endpoint = endpoint;
        this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        this.proxy = (0,_proxy_js__WEBPACK_IMPORTED_MODULE_0__/* .proxyFor */ .iJ)(endpoint, options.env ?? process.env);
    }
    /** To the endpoint URL itself; host and user-agent are added (Node adds content-length for the body). */
    async request(method, headers, body = '') {
        const route = await (this.route ??= this.load());
        const url = this.endpoint;
        const proxy = route.proxy;
        return new Promise((resolve, reject) => {
            const req = route.request({
                method,
                ...route.options,
                agent: this.agent,
                headers: { host: url.host, 'user-agent': USER_AGENT, ...route.headers, ...headers }
            }, res => {
                if (proxy && res.statusCode === 407) {
                    res.resume();
                    return fail((0,_proxy_js__WEBPACK_IMPORTED_MODULE_0__/* .proxyRefusal */ .vd)(proxy, 407, res.statusMessage, url.host));
                }
                const chunks = [];
                res.on('data', (chunk) => chunks.push(chunk));
                res.on('error', fail);
                res.on('end', () => {
                    clearTimeout(timer);
                    const text = Buffer.concat(chunks).toString('utf8');
                    resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
                });
            });
            // A whole-exchange deadline: a socket idle timeout would not catch a server that trickles bytes.
            const timer = setTimeout(() => req.destroy(new TimeoutError(`no response within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
            function fail(error) {
                clearTimeout(timer);
                const { syscall } = error;
                // Only the proxy is connected to: a refused or unresolvable host is the proxy.
                reject(proxy && (syscall === 'connect' || syscall === 'getaddrinfo')
                    ? (0,_proxy_js__WEBPACK_IMPORTED_MODULE_0__/* .proxyUnreachable */ .$M)(proxy, url.host, error)
                    : error);
            }
            req.on('error', fail);
            req.end(body);
        });
    }
    /** Closes the kept-alive sockets (and tunnels being opened), so no connection outlives the action run. */
    destroy() {
        this.agent?.destroy();
    }
    // node:https has node:http's request and Agent, with TLS added; tls is loaded only when a connection is TLS.
    async load() {
        const url = this.endpoint;
        const proxy = this.proxy;
        const direct = { protocol: url.protocol, ...hostAndPort(url), path: url.pathname + url.search };
        if (proxy && url.protocol === 'https:') {
            const [{ TunnelAgent }, https] = await Promise.all([__nccwpck_require__.e(/* import() */ 107).then(__nccwpck_require__.bind(__nccwpck_require__, 4107)), Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 4708, 23))]);
            this.agent = new TunnelAgent(proxy, this.timeoutMs);
            return { request: https.request, options: direct, headers: {} };
        }
        const through = proxy?.url ?? url;
        const transport = through.protocol === 'https:' ? await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 4708, 23)) : await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 7067, 23));
        this.agent = new transport.Agent({ keepAlive: true });
        if (!proxy)
            return { request: transport.request, options: direct, headers: {} };
        return {
            request: transport.request,
            options: {
                protocol: proxy.url.protocol,
                ...hostAndPort(proxy.url),
                // The absolute form, which tells the proxy where to forward; never the endpoint's user:password.
                path: `${url.protocol}//${url.host}${url.pathname}${url.search}`
            },
            headers: proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {},
            proxy
        };
    }
}
/** For node:http(s) options: an IPv6 address without brackets, the scheme's port when the URL has none. */
function hostAndPort(url) {
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}


/***/ }),

/***/ 7769:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $M: () => (/* binding */ proxyUnreachable),
/* harmony export */   GK: () => (/* binding */ describeProxy),
/* harmony export */   T6: () => (/* binding */ ProxyError),
/* harmony export */   iJ: () => (/* binding */ proxyFor),
/* harmony export */   vd: () => (/* binding */ proxyRefusal)
/* harmony export */ });
/* unused harmony export bypassesProxy */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3916);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4813);


/** A proxy that refused or could not be reached; names the proxy by host and variable, never its credentials. */
class ProxyError extends Error {
    name = 'ProxyError';
    /** The underlying connection error's code (ECONNREFUSED, ...), so retries treat it as that failure. */
    code;
    /** The proxy's HTTP status, when it answered. */
    status;
    constructor(message, options = {}) {
        super(message, { cause: options.cause });
        this.code = options.code;
        this.status = options.status;
    }
}
/** How messages name a proxy: `proxy.example.com:3128 (from HTTPS_PROXY)`. */
function describeProxy(proxy) {
    return `${proxy.url.host} (from ${proxy.variable})`;
}
/** The proxy answered other than 200 to CONNECT, or 407 to a request. 502, 503 and 504 are retried. */
function proxyRefusal(proxy, status, statusMessage, target) {
    const hint = status === 407
        ? proxy.authorization
            ? `; check the user name and password in ${proxy.variable}`
            : `; it wants credentials: put them in ${proxy.variable} (http://user:password@host:port)`
        : '';
    return new ProxyError(`The proxy ${describeProxy(proxy)} refused to connect to ${target}: HTTP ${status}` +
        `${statusMessage ? ` ${statusMessage}` : ''}${hint}.`, { status });
}
/** A connection error on the way to or through the proxy; keeps the code so retries see the same failure. */
function proxyUnreachable(proxy, target, error) {
    const { code, syscall } = error;
    const message = syscall === 'connect' || syscall === 'getaddrinfo'
        ? `Could not connect to the proxy ${describeProxy(proxy)}: ${error.message}`
        : `The connection to ${target} through the proxy ${describeProxy(proxy)} failed: ${error.message}`;
    return new ProxyError(message, { code: typeof code === 'string' ? code : undefined, cause: error });
}
/** The proxy for `target`, undefined for a direct connection. Throws a UserError for an unusable value. */
function proxyFor(target, env) {
    if (bypassesProxy(target, env))
        return undefined;
    const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
    const variable = names.find(name => env[name]);
    return variable ? parseProxy(env[variable] ?? '', variable) : undefined;
}
function bypassesProxy(target, env) {
    const host = target.hostname.toUpperCase();
    if (!host)
        return false;
    if (host === 'LOCALHOST' || host.startsWith('127.') || host === '[::1]')
        return true;
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    const candidates = [host, `${host}:${port}`];
    return (env.no_proxy || env.NO_PROXY || '')
        .split(',')
        .map(entry => entry.trim().toUpperCase())
        .filter(entry => entry !== '')
        .some(entry => {
        if (entry === '*')
            return true;
        const name = entry.startsWith('*.') ? entry.slice(1) : entry;
        return candidates.some(candidate => candidate === name ||
            candidate.endsWith(`.${name}`) ||
            (name.startsWith('.') && candidate.endsWith(name)));
    });
}
/** The value is never quoted in an error: it may hold a password. */
function parseProxy(value, variable) {
    const text = value.trim();
    let url;
    try {
        url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`${variable} is not a URL; set it to the proxy, for example http://proxy.example.com:3128.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo(`${variable} names a ${url.protocol.slice(0, -1)}:// proxy; only http:// and https:// proxies are supported.`);
    }
    const user = decode(url.username);
    const password = decode(url.password);
    const authorization = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined;
    // Never printed by this code; masked in case a library or a debug log ever does.
    for (const secret of [password, authorization?.slice('Basic '.length)])
        if (secret)
            (0,_runner_js__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq)(secret);
    return { url: new URL(url.origin), variable, authorization };
}
function decode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(1714);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
