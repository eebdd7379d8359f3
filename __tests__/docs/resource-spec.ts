// A template's resources checked against CloudFormation's own resource schemas, as cfn-lint checks them: the
// resource types exist, every property is one the type has, required properties are there, values have the
// declared type (strings, numbers, booleans, lists, maps, nested structures, allowed values), and every GetAtt
// names an attribute the type returns. The schemas are those of @aws-cdk/aws-service-spec, the database the AWS
// CDK generates its resources from (CloudFormation's registry schemas). cfn-lint itself is a Python program, and
// the npm package of that name carries a 2019 specification without AWS::Events::ApiDestination or Connection.
import type { Property, PropertyType, SpecDatabase } from '@aws-cdk/service-spec-types'
import type { Stack, Template } from './cloudformation.ts'

let database: Promise<SpecDatabase> | undefined

/** The schemas, loaded once per test file (about a second). */
export function resourceSpec(): Promise<SpecDatabase> {
  database ??= import('@aws-cdk/aws-service-spec').then(m => m.loadAwsServiceSpec())
  return database
}

/** What CloudFormation's schemas find wrong with a stack's resources; empty when nothing. */
export function specProblems(db: SpecDatabase, stack: Stack): string[] {
  const problems: string[] = []
  for (const [id, resource] of Object.entries(stack.resources())) {
    const [spec] = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type)
    if (!spec) {
      problems.push(`${id}: CloudFormation has no resource type ${resource.Type}`)
      continue
    }
    checkObject(db, spec.properties, resource.Properties, `${id}.Properties`, problems)
  }
  problems.push(...getAttProblems(db, stack.template))
  return problems
}

function checkObject(
  db: SpecDatabase,
  properties: Record<string, Property>,
  value: unknown,
  where: string,
  problems: string[]
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}: expected an object, got ${JSON.stringify(value)}`)
    return
  }
  const given = value as Record<string, unknown>
  for (const name of Object.keys(given))
    if (!(name in properties)) problems.push(`${where}: unknown property ${name}`)
  for (const [name, property] of Object.entries(properties)) {
    if (!(name in given)) {
      if (property.required) problems.push(`${where}: required property ${name} is missing`)
      continue
    }
    // A property whose type changed keeps its older types in previousTypes; CloudFormation accepts the latest.
    checkValue(db, property.type, given[name], `${where}.${name}`, problems)
  }
}

function checkValue(
  db: SpecDatabase,
  type: PropertyType,
  value: unknown,
  where: string,
  problems: string[]
): void {
  const refuse = (expected: string): void => {
    problems.push(`${where}: expected ${expected}, got ${JSON.stringify(value)}`)
  }
  switch (type.type) {
    case 'string':
    case 'date-time':
      // CloudFormation turns numbers and booleans into strings for string properties.
      if (!['string', 'number', 'boolean'].includes(typeof value)) return refuse('a string')
      if (type.type === 'string' && type.allowedValues && !isPlaceholder(value)) {
        if (!type.allowedValues.includes(String(value))) refuse(`one of ${type.allowedValues.join(', ')}`)
      }
      return
    case 'integer':
    case 'number':
      if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) return
      return refuse(`a ${type.type}`)
    case 'boolean':
      if (typeof value === 'boolean' || value === 'true' || value === 'false') return
      return refuse('a boolean')
    case 'json':
      if (value !== null && typeof value === 'object') return
      return refuse('a JSON object')
    case 'null':
      return
    case 'tag':
      return checkObject(
        db,
        {
          Key: { type: { type: 'string' }, required: true },
          Value: { type: { type: 'string' }, required: true }
        },
        value,
        where,
        problems
      )
    case 'array':
      if (!Array.isArray(value)) return refuse('a list')
      return value.forEach((v, i) => checkValue(db, type.element, v, `${where}[${i}]`, problems))
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse('a map')
      for (const [k, v] of Object.entries(value)) checkValue(db, type.element, v, `${where}.${k}`, problems)
      return
    case 'ref':
      return checkObject(db, db.get('typeDefinition', type.reference).properties, value, where, problems)
    case 'union': {
      const fits = type.types.find(t => {
        const trial: string[] = []
        checkValue(db, t, value, where, trial)
        return trial.length === 0
      })
      if (fits) return
      // Report against the first member that has the value's shape, for a message that says what is wrong.
      const shaped = type.types.find(t => t.type === 'ref' || t.type === 'json') ?? type.types[0]
      return checkValue(db, shaped, value, where, problems)
    }
  }
}

/** The evaluator's stand-ins for a Ref or GetAtt of a resource, `<Name>` or `<Name.Attribute>`. */
function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && /^<[\w.]+>$/.test(value)
}

/** Every Fn::GetAtt and ${Resource.Attribute} of the template, checked against the type's attributes. */
function getAttProblems(db: SpecDatabase, template: Template): string[] {
  const problems: string[] = []
  const check = (resource: string, attribute: string) => {
    const r = template.Resources[resource]
    if (!r) return // the evaluator reports a missing resource
    const [spec] = db.lookup('resource', 'cloudFormationType', 'equals', r.Type)
    if (spec && !(attribute in spec.attributes))
      problems.push(`GetAtt ${resource}.${attribute}: ${r.Type} has no attribute ${attribute}`)
  }
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== 'object') return
    for (const [key, arg] of Object.entries(node)) {
      if (key === 'Fn::GetAtt' && Array.isArray(arg)) check(String(arg[0]), String(arg[1]))
      if (key === 'Fn::Sub') {
        const text = Array.isArray(arg) ? arg[0] : arg
        if (typeof text === 'string')
          for (const [, name, attribute] of text.matchAll(/\$\{(\w+)\.([\w.]+)\}/g)) check(name, attribute)
      }
      visit(arg)
    }
  }
  visit(template.Resources)
  visit(template.Outputs ?? {})
  return problems
}
