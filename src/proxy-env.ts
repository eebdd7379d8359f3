// The proxy variables of a self-hosted runner, as @actions/http-client reads them. Pure, so that both actions
// can mask a proxy password first thing, before any library could print it in an error.

const NAMES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const

/** Whether any proxy variable is set: only then is the SDK given proxy-aware agents. */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return NAMES.some(name => env[name])
}

/** The password of each proxy URL, and the Basic value made from it (what a proxy or a debug line could echo). */
export function proxySecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets: string[] = []
  for (const value of NAMES.map(name => env[name])) {
    if (!value) continue
    let url: URL
    try {
      url = new URL(value.includes('://') ? value : `http://${value}`)
    } catch {
      continue
    }
    if (!url.password) continue
    const password = decodeURIComponent(url.password)
    const basic = Buffer.from(`${decodeURIComponent(url.username)}:${password}`).toString('base64')
    secrets.push(password, basic)
  }
  return secrets
}
