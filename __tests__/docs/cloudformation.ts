// Just enough CloudFormation to test a template offline: YAML with the short-form intrinsic tags, and an
// evaluator for the intrinsic functions, conditions and Rules, given parameter values. It refuses what
// CloudFormation refuses where a template could get it wrong: a value outside AllowedPattern or AllowedValues
// (with the ConstraintDescription), a failing Rule assertion (with its AssertDescription), a function a Rule may
// not use, a computed Join/Split delimiter or Sub string, and a Select past the end of its list. A Json property
// given as a string (a !Sub that builds a policy whose keys are computed) is parsed as CloudFormation parses it,
// and refused unless it is a JSON object.
import { readFileSync } from 'node:fs'
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml'

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
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

export interface ParameterSpec {
  Type: string
  Default?: string
  AllowedValues?: string[]
  AllowedPattern?: string
  ConstraintDescription?: string
  Description?: string
  NoEcho?: boolean
}

export interface Rule {
  RuleCondition?: unknown
  Assertions: Array<{ Assert: unknown; AssertDescription?: string }>
}

export interface Template {
  AWSTemplateFormatVersion?: string
  Parameters?: Record<string, ParameterSpec>
  Rules?: Record<string, Rule>
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

const PSEUDO = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'bridge',
  'AWS::URLSuffix': 'amazonaws.com'
} as const

/** The functions a Rule may use (CloudFormation's rule-specific functions, and Ref). */
const RULE_FUNCTIONS = new Set([
  'Ref',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::Equals',
  'Fn::If',
  'Fn::Contains',
  'Fn::EachMemberEquals',
  'Fn::EachMemberIn'
])

/**
 * Properties of type Json that CloudFormation also takes as a string holding JSON (the resource specification's
 * `"PrimitiveType": "Json"`), by resource type.
 */
const JSON_PROPERTIES: Record<string, string[]> = {
  'AWS::IAM::Role': ['AssumeRolePolicyDocument'],
  'AWS::IAM::ManagedPolicy': ['PolicyDocument'],
  'AWS::SQS::QueuePolicy': ['PolicyDocument'],
  'AWS::Events::Rule': ['EventPattern']
}

/** Thrown when CloudFormation would refuse the parameter values: the message is what the deployer would read. */
export class ValidationError extends Error {}

/**
 * What a stack would see: parameters with their defaults, list parameters split, Rules checked, conditions
 * evaluated. Throws a ValidationError where CloudFormation would refuse to create or update the stack.
 */
export class Stack {
  readonly template: Template
  readonly parameters: Record<string, string | string[]>
  readonly conditions: Record<string, boolean> = {}
  /** AWS::Region, AWS::Partition, ...: eu-west-1 of the aws partition unless the test says otherwise. */
  readonly pseudo: Record<string, string>

  constructor(
    template: Template,
    values: Record<string, string> = {},
    pseudo: Partial<Record<keyof typeof PSEUDO, string>> = {}
  ) {
    this.template = template
    this.pseudo = { ...PSEUDO, ...pseudo } as Record<string, string>
    this.parameters = {}
    for (const name of Object.keys(values))
      if (!(name in (template.Parameters ?? {})))
        throw new ValidationError(`the template has no parameter ${name}`)
    for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
      const raw = values[name] ?? spec.Default
      if (raw === undefined) throw new ValidationError(`parameter ${name} has no value and no default`)
      const list = spec.Type.startsWith('CommaDelimitedList')
      // AllowedPattern applies to each element of a list parameter.
      for (const value of list ? raw.split(',') : [raw]) {
        const refused =
          (spec.AllowedValues && !spec.AllowedValues.includes(value)) ||
          (spec.AllowedPattern && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(value))
        if (refused)
          throw new ValidationError(
            `parameter ${name}: ${JSON.stringify(value)} ${spec.ConstraintDescription ? `is refused: ${spec.ConstraintDescription}` : `does not match ${spec.AllowedPattern ?? spec.AllowedValues?.join(', ')}`}`
          )
      }
      this.parameters[name] = list ? raw.split(',') : raw
    }
    for (const [name, rule] of Object.entries(template.Rules ?? {})) {
      if (rule.RuleCondition !== undefined && !this.rule(rule.RuleCondition)) continue
      for (const { Assert, AssertDescription } of rule.Assertions)
        if (!this.rule(Assert))
          throw new ValidationError(`rule ${name}: ${AssertDescription ?? 'assertion failed'}`)
    }
    for (const name of Object.keys(template.Conditions ?? {})) this.condition(name)
  }

  /** A Rule's condition or assertion: only rule functions and Ref, no conditions. */
  private rule(expression: unknown): boolean {
    const check = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(check)
      if (value === null || typeof value !== 'object') return
      for (const [key, arg] of Object.entries(value)) {
        if ((key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') && !RULE_FUNCTIONS.has(key))
          throw new Error(`${key} cannot be used in a Rule`)
        check(arg)
      }
    }
    check(expression)
    const result = this.evaluate(expression)
    if (typeof result !== 'boolean')
      throw new Error(`a Rule assertion gave ${JSON.stringify(result)}, not a boolean`)
    return result
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
      const properties = this.evaluate(r.Properties ?? {}) as Record<string, unknown>
      for (const name of JSON_PROPERTIES[r.Type] ?? [])
        if (typeof properties[name] === 'string')
          properties[name] = parseJsonProperty(id, name, properties[name])
      out[id] = { Type: r.Type, Properties: properties }
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
    if (name in this.pseudo) return this.pseudo[name]
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
        const items = this.evaluate(list) as unknown[]
        const i = Number(this.evaluate(index))
        if (!(i >= 0 && i < items.length))
          throw new Error(`Fn::Select: no item ${i} in a list of ${items.length}`)
        return items[i]
      }
      case 'Contains': {
        const [list, value] = args().map(v => this.evaluate(v))
        return (list as unknown[]).includes(value)
      }
      case 'EachMemberEquals': {
        const [list, value] = args().map(v => this.evaluate(v))
        return (list as unknown[]).every(v => v === value)
      }
      case 'EachMemberIn': {
        const [list, allowed] = args().map(v => this.evaluate(v)) as unknown[][]
        return list.every(v => allowed.includes(v))
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

/** A Json property written as a string: it must hold one JSON object. */
function parseJsonProperty(resource: string, property: string, text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new Error(`${resource}.${property} is not JSON (${(e as Error).message}): ${text}`, { cause: e })
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${resource}.${property} must be a JSON object, got ${text}`)
  return value as Record<string, unknown>
}
