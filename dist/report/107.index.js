export const id = 107;
export const ids = [107];
export const modules = {

/***/ 4107:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TunnelAgent: () => (/* binding */ TunnelAgent)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4025);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7769);




class TunnelAgent extends node_https__WEBPACK_IMPORTED_MODULE_1__.Agent {
    proxy;
    timeoutMs;
    pending = new Set();
    constructor(proxy, timeoutMs) {
        super({ keepAlive: true });
        this.proxy = proxy;
        this.timeoutMs = timeoutMs;
    }
    createConnection(options, callback) {
        const done = callback ?? (() => { });
        const host = options.host ?? options.hostname ?? 'localhost';
        const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`;
        const proxy = this.proxy;
        const send = proxy.url.protocol === 'https:' ? node_https__WEBPACK_IMPORTED_MODULE_1__.request : node_http__WEBPACK_IMPORTED_MODULE_0__.request;
        const connect = send({
            method: 'CONNECT',
            ...(0,_http_js__WEBPACK_IMPORTED_MODULE_2__/* .hostAndPort */ .PG)(proxy.url),
            path: target,
            agent: false,
            headers: {
                host: target,
                'user-agent': _http_js__WEBPACK_IMPORTED_MODULE_2__/* .USER_AGENT */ ._O,
                ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {})
            }
        });
        this.pending.add(connect);
        const timer = setTimeout(() => connect.destroy(new _http_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU(`the proxy ${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_3__/* .describeProxy */ .GK)(proxy)} did not answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
        let settled = false;
        const settle = (error, socket) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            this.pending.delete(connect);
            // Node's callback ignores the socket when there is an error.
            done(error, socket);
        };
        // Node emits 'connect' for every answer to CONNECT, a refusal too.
        connect.once('connect', (res, socket, head) => {
            if (res.statusCode !== 200) {
                socket.destroy();
                return settle((0,_proxy_js__WEBPACK_IMPORTED_MODULE_3__/* .proxyRefusal */ .vd)(proxy, res.statusCode ?? 0, res.statusMessage, target));
            }
            if (head.length > 0)
                socket.unshift(head);
            // https.Agent's own connection: TLS with the endpoint's servername and the session cache, over the tunnel.
            settle(null, super.createConnection({ ...options, socket }));
        });
        connect.once('error', error => settle(error instanceof _http_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU ? error : (0,_proxy_js__WEBPACK_IMPORTED_MODULE_3__/* .proxyUnreachable */ .$M)(proxy, target, error)));
        connect.end();
        return undefined;
    }
    /** Also abandons tunnels still being opened. */
    destroy() {
        for (const connect of this.pending)
            connect.destroy();
        this.pending.clear();
        super.destroy();
    }
}


/***/ })

};
