export const id = 529;
export const ids = [529];
export const modules = {

/***/ 8529:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   proxyAgents: () => (/* binding */ proxyAgents)
/* harmony export */ });
/* harmony import */ var agent_base__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(319);
/* harmony import */ var _actions_http_client__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4942);
/* harmony import */ var http_proxy_agent__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8947);
/* harmony import */ var https_proxy_agent__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1566);




// Self-hosted runners often sit behind a proxy. @actions/core and Octokit already honour HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY through @actions/http-client; the AWS SDK does not, so its requests get this agent.
// It decides per request with @actions/http-client's own rules (loopback never proxied), so all three agree on
// which host goes through which proxy; the maintained proxy agents do the CONNECT tunnel and the absolute form.
class EnvironmentProxyAgent extends agent_base__WEBPACK_IMPORTED_MODULE_0__/* .Agent */ .g6 {
    direct;
    proxied = new Map();
    constructor(direct) {
        super({ keepAlive: true });
        this.direct = direct;
    }
    connect(_request, options) {
        const scheme = options.secureEndpoint ? 'https' : 'http';
        const proxy = (0,_actions_http_client__WEBPACK_IMPORTED_MODULE_1__/* .getProxyUrl */ .s_)(`${scheme}://${options.host}:${options.port}`);
        if (!proxy)
            return this.direct;
        const key = `${scheme} ${proxy}`;
        let agent = this.proxied.get(key);
        if (!agent) {
            agent = options.secureEndpoint
                ? new https_proxy_agent__WEBPACK_IMPORTED_MODULE_3__/* .HttpsProxyAgent */ .b(proxy, { keepAlive: true })
                : new http_proxy_agent__WEBPACK_IMPORTED_MODULE_2__/* .HttpProxyAgent */ .s(proxy, { keepAlive: true });
            this.proxied.set(key, agent);
        }
        return agent;
    }
}
/** Agents for the SDK's NodeHttpHandler that follow the proxy variables. */
async function proxyAgents() {
    const [http, https] = await Promise.all([Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 7067, 23)), Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 4708, 23))]);
    return {
        httpAgent: new EnvironmentProxyAgent(new http.Agent({ keepAlive: true })),
        httpsAgent: new EnvironmentProxyAgent(new https.Agent({ keepAlive: true }))
    };
}


/***/ })

};
