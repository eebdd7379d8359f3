// Mimics the "N validation error(s) detected: Value ... at '...' failed to satisfy constraint: ..." messages
// AWS services generate from their models, so users see the same text they would in production.

export class Violations {
  readonly list: string[] = []

  private add(value: unknown, at: string, constraint: string): void {
    this.list.push(`Value ${show(value)} at '${at}' failed to satisfy constraint: ${constraint}`)
  }

  get message(): string | undefined {
    const n = this.list.length
    if (n === 0) return undefined
    return `${n} validation error${n === 1 ? '' : 's'} detected: ${this.list.join('; ')}`
  }

  required(value: unknown, at: string): boolean {
    if (value === undefined || value === null) {
      this.list.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`)
      return false
    }
    return true
  }

  /** Checks an optional string; returns false when it was present but wrong. */
  string(
    value: unknown,
    at: string,
    opts: { min?: number; max?: number; pattern?: string; required?: boolean }
  ): boolean {
    if (value === undefined || value === null) return opts.required ? this.required(value, at) : true
    if (typeof value !== 'string') {
      this.add(value, at, 'Member must be a string')
      return false
    }
    const before = this.list.length
    if (opts.min !== undefined && value.length < opts.min) {
      this.add(value, at, `Member must have length greater than or equal to ${opts.min}`)
    }
    if (opts.max !== undefined && value.length > opts.max) {
      this.add(value, at, `Member must have length less than or equal to ${opts.max}`)
    }
    if (opts.pattern !== undefined && !new RegExp(`^(?:${opts.pattern})$`).test(value)) {
      this.add(value, at, `Member must satisfy regular expression pattern: ${opts.pattern}`)
    }
    return this.list.length === before
  }

  enumValue(value: unknown, at: string, values: readonly string[], required = false): boolean {
    if (value === undefined || value === null) return required ? this.required(value, at) : true
    if (typeof value !== 'string' || !values.includes(value)) {
      this.add(value, at, `Member must satisfy enum value set: [${values.join(', ')}]`)
      return false
    }
    return true
  }

  integer(value: unknown, at: string, opts: { min?: number; max?: number; required?: boolean }): boolean {
    if (value === undefined || value === null) return opts.required ? this.required(value, at) : true
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(value, at, 'Member must be an integer')
      return false
    }
    if (opts.min !== undefined && value < opts.min) {
      this.add(value, at, `Member must have value greater than or equal to ${opts.min}`)
      return false
    }
    if (opts.max !== undefined && value > opts.max) {
      this.add(value, at, `Member must have value less than or equal to ${opts.max}`)
      return false
    }
    return true
  }

  custom(value: unknown, at: string, constraint: string): void {
    this.add(value, at, constraint)
  }
}

function show(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  // AWS echoes the value; a 5001-character message in an error would drown the useful part.
  return `'${text.length > 100 ? text.slice(0, 100) + '...' : text}'`
}
