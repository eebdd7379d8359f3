// Just enough CloudFormation to test a template offline: YAML with the short-form intrinsic tags, and an
// evaluator for the intrinsic functions and conditions, given parameter values.
import { readFileSync } from 'node:fs'
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml'

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform'
]

type Node = YAMLMap | YAMLSeq

/** `!Ref X`, `!Condition X` and `!Fn [..]` in all three YAML shapes, as the long form CloudFormation reads. */
export const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ...FUNCTIONS.flatMap(name => {
    const key = `Fn::${name}`
    // !GetAtt Resource.Attribute is the scalar form of [Resource, Attribute].
    const scalar = (value: string) =>
      name === 'GetAtt' ? { [key]: value.split(/\.(.*)/s).slice(0, 2) } : { [key]: value }
    const collection = (node: Node) => ({ [key]: node.toJSON() })
    return [
      { tag: `!${name}`, resolve: scalar } as ScalarTag,
      { tag: `!${name}`, collection: 'seq', resolve: collection } as unknown as CollectionTag,
      { tag: `!${name}`, collection: 'map', resolve: collection } as unknown as CollectionTag
    ]
  })
]

export interface Template {
  AWSTemplateFormatVersion?: string
  Parameters?: Record<
    string,
    { Type: string; Default?: string; AllowedValues?: string[]; AllowedPattern?: string }
  >
  Conditions?: Record<string, unknown>
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>
  Outputs?: Record<string, { Value: unknown; Condition?: string }>
}

export function loadTemplate(path: string): Template {
  return parse(readFileSync(path, 'utf8'), { customTags: CLOUDFORMATION_TAGS }) as Template
}

export function loadYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'), { customTags: CLOUDFORMATION_TAGS })
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'bridge',
  'AWS::URLSuffix': 'amazonaws.com'
}

/** What a stack would see: parameters with their defaults, list parameters split, conditions evaluated. */
export class Stack {
  readonly template: Template
  readonly parameters: Record<string, string | string[]>
  readonly conditions: Record<string, boolean> = {}

  constructor(template: Template, values: Record<string, string> = {}) {
    this.template = template
    this.parameters = {}
    for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
      const raw = values[name] ?? spec.Default
      if (raw === undefined) throw new Error(`parameter ${name} has no value and no default`)
      if (spec.AllowedValues && !spec.AllowedValues.includes(raw))
        throw new Error(`parameter ${name}: ${raw} is not an allowed value`)
      if (spec.AllowedPattern && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(raw))
        throw new Error(`parameter ${name}: ${raw} does not match ${spec.AllowedPattern}`)
      this.parameters[name] = spec.Type.startsWith('CommaDelimitedList') ? raw.split(',') : raw
    }
    for (const name of Object.keys(template.Conditions ?? {})) this.condition(name)
  }

  condition(name: string): boolean {
    if (!(name in this.conditions)) {
      const spec = this.template.Conditions?.[name]
      if (spec === undefined) throw new Error(`no condition ${name}`)
      this.conditions[name] = this.evaluate(spec) as boolean
    }
    return this.conditions[name]
  }

  /** Resources whose condition holds, with their properties evaluated. */
  resources(): Record<string, { Type: string; Properties: Record<string, unknown> }> {
    const out: Record<string, { Type: string; Properties: Record<string, unknown> }> = {}
    for (const [id, r] of Object.entries(this.template.Resources)) {
      if (r.Condition && !this.condition(r.Condition)) continue
      out[id] = { Type: r.Type, Properties: this.evaluate(r.Properties ?? {}) as Record<string, unknown> }
    }
    return out
  }

  outputs(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [id, o] of Object.entries(this.template.Outputs ?? {})) {
      if (o.Condition && !this.condition(o.Condition)) continue
      out[id] = this.evaluate(o.Value)
    }
    return out
  }

  evaluate(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(v => this.evaluate(v)).filter(v => v !== NO_VALUE)
    if (value === null || typeof value !== 'object') return value
    const entries = Object.entries(value)
    if (entries.length === 1) {
      const [key, arg] = entries[0]
      if (key === 'Ref') return this.ref(arg as string)
      if (key === 'Condition') return this.condition(arg as string)
      if (key.startsWith('Fn::')) return this.fn(key.slice(4), arg)
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of entries) {
      const e = this.evaluate(v)
      if (e !== NO_VALUE) out[k] = e
    }
    return out
  }

  private ref(name: string): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE
    if (name in PSEUDO) return PSEUDO[name]
    if (name in this.parameters) return this.parameters[name]
    const resource = this.template.Resources[name]
    if (!resource) throw new Error(`!Ref ${name}: no such parameter or resource`)
    if (resource.Condition && !this.condition(resource.Condition))
      throw new Error(`!Ref ${name}: the resource is not created`)
    return `<${name}>`
  }

  private fn(name: string, arg: unknown): unknown {
    const args = (): unknown[] => {
      if (!Array.isArray(arg)) throw new Error(`Fn::${name} takes a list`)
      return arg
    }
    switch (name) {
      case 'Equals': {
        const [a, b] = args().map(v => this.evaluate(v))
        return JSON.stringify(a) === JSON.stringify(b)
      }
      case 'Not':
        return !this.evaluate(args()[0])
      case 'And':
        return args().every(v => this.evaluate(v))
      case 'Or':
        return args().some(v => this.evaluate(v))
      case 'If': {
        const [condition, yes, no] = args()
        return this.evaluate(this.condition(condition as string) ? yes : no)
      }
      case 'Join': {
        const [delimiter, list] = args()
        if (typeof delimiter !== 'string') throw new Error('Fn::Join takes a literal delimiter')
        return (this.evaluate(list) as unknown[]).join(delimiter)
      }
      case 'Split': {
        const [delimiter, text] = args()
        if (typeof delimiter !== 'string') throw new Error('Fn::Split takes a literal delimiter')
        return String(this.evaluate(text)).split(delimiter)
      }
      case 'Select': {
        const [index, list] = args()
        return (this.evaluate(list) as unknown[])[Number(this.evaluate(index))]
      }
      case 'GetAtt': {
        const [resource, attribute] = args() as string[]
        const r = this.template.Resources[resource]
        if (!r) throw new Error(`!GetAtt ${resource}.${attribute}: no such resource`)
        if (r.Condition && !this.condition(r.Condition))
          throw new Error(`!GetAtt ${resource}.${attribute}: the resource is not created`)
        return `<${resource}.${attribute}>`
      }
      case 'Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}]
        if (typeof text !== 'string') throw new Error('Fn::Sub takes a literal string')
        const values = this.evaluate(vars) as Record<string, unknown>
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_, v: string) => {
          if (v in values) return String(values[v])
          if (v.includes('.')) {
            const [resource, attribute] = v.split(/\.(.*)/s)
            return String(this.fn('GetAtt', [resource, attribute]))
          }
          const r = this.ref(v)
          if (Array.isArray(r)) throw new Error(`Fn::Sub cannot insert the list ${v}`)
          return String(r)
        })
      }
      default:
        throw new Error(`Fn::${name} is not supported by this test's evaluator`)
    }
  }
}

const NO_VALUE = Symbol('AWS::NoValue')
