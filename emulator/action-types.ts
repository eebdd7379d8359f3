// Custom action types as CodePipeline knows them: an ID plus the configuration properties a pipeline action of
// that type may set (CreateCustomActionType's `configurationProperties`). At most one property is `queryable`, and
// it must be required and not secret (ActionConfigurationProperty, API reference): PollForJobs must then name it in
// `queryParam`, and only jobs whose configuration holds the value asked for are handed out.

export interface ActionTypeId {
  category: string
  owner: string
  provider: string
  version: string
}

export interface ActionConfigurationProperty {
  name: string
  required: boolean
  key: boolean
  secret: boolean
  queryable: boolean
  type: 'String' | 'Number' | 'Boolean'
  description?: string
}

/** A property as callers give it: only `name` is needed; the flags default to false and the type to String. */
export type PropertyInit = { name: string } & Partial<Omit<ActionConfigurationProperty, 'name'>>

export interface ActionType {
  id: ActionTypeId
  properties: ActionConfigurationProperty[]
  /**
   * False for a type the emulator only inferred from a job (addJob with an unknown actionTypeId): it has no
   * declared properties, so it has no queryable property, and its jobs' configuration is not checked.
   */
  declared: boolean
}

/**
 * What CodePipeline allows as the value of a queryable property in a pipeline: "less than or equal to twenty (20)
 * characters ... only alphanumeric characters, underscores, and hyphens" (ActionConfigurationProperty, API
 * reference). PollForJobs itself accepts queryParam values of up to 50 such characters; longer ones match no job.
 */
export const QUERYABLE_VALUE = /^[A-Za-z0-9_-]{1,20}$/

/** The bridge's action type as templates/bridge.yml creates it by default (PollerGroups=false): nothing queryable. */
export const BRIDGE_PROPERTIES: readonly PropertyInit[] = [
  { name: 'Repository', required: true, key: true },
  { name: 'Workflow', required: true, key: true },
  { name: 'Ref' },
  { name: 'Inputs' }
]

/** What the template adds with PollerGroups=true: required, as CodePipeline demands of a queryable property. */
export const POLLER_GROUP: PropertyInit = { name: 'PollerGroup', required: true, queryable: true }

export function typeKey(t: ActionTypeId): string {
  return `${t.category}/${t.owner}/${t.provider}/${t.version}`
}

function property(init: PropertyInit): ActionConfigurationProperty {
  return {
    name: init.name,
    required: init.required ?? false,
    key: init.key ?? false,
    secret: init.secret ?? false,
    queryable: init.queryable ?? false,
    type: init.type ?? 'String',
    ...(init.description !== undefined ? { description: init.description } : {})
  }
}

/** CreateCustomActionType's rules for configuration properties; throws with the reason. */
export function checkProperties(properties: readonly PropertyInit[]): void {
  if (properties.length > 10) throw new Error('an action type has at most 10 configuration properties')
  const seen = new Set<string>()
  for (const p of properties) {
    if (!(p.name.length >= 1 && p.name.length <= 50))
      throw new Error(`property name '${p.name}' must have 1 to 50 characters`)
    if (seen.has(p.name)) throw new Error(`property '${p.name}' is declared twice`)
    seen.add(p.name)
    if (p.queryable && p.secret) throw new Error(`queryable property '${p.name}' cannot be secret`)
    if (p.queryable && !p.required) throw new Error(`queryable property '${p.name}' must be required`)
  }
  const queryable = properties.filter(p => p.queryable).map(p => p.name)
  if (queryable.length > 1)
    throw new Error(`an action type has at most one queryable property, got ${queryable.join(', ')}`)
}

export class ActionTypes {
  private readonly types = new Map<string, ActionType>()

  /** Declares a type with its properties, replacing any earlier declaration of the same ID. */
  register(id: ActionTypeId, properties: readonly PropertyInit[] = []): ActionType {
    checkProperties(properties)
    const type: ActionType = { id: { ...id }, properties: properties.map(property), declared: true }
    this.types.set(typeKey(id), type)
    return type
  }

  /** The type of a job being created: known already, or inferred without properties. */
  ensure(id: ActionTypeId): ActionType {
    const known = this.get(id)
    if (known) return known
    const type: ActionType = { id: { ...id }, properties: [], declared: false }
    this.types.set(typeKey(id), type)
    return type
  }

  get(id: ActionTypeId): ActionType | undefined {
    return this.types.get(typeKey(id))
  }

  list(): ActionType[] {
    return [...this.types.values()]
  }

  queryable(id: ActionTypeId): ActionConfigurationProperty | undefined {
    return this.get(id)?.properties.find(p => p.queryable)
  }

  /**
   * Refuses a configuration CodePipeline would not accept in a pipeline: the queryable property missing, or a value
   * it does not take. (Other required properties are not checked, so tests can stage a broken configuration.)
   */
  checkConfiguration(id: ActionTypeId, configuration: Record<string, string>): void {
    const q = this.queryable(id)
    if (!q) return
    const value = configuration[q.name]
    if (value === undefined || value === '')
      throw new Error(`${q.name} is required: it is the queryable property of action type ${typeKey(id)}`)
    if (!QUERYABLE_VALUE.test(value)) {
      throw new Error(
        `${q.name} is '${value}', but a queryable property's value has 1 to 20 letters, digits, '_' or '-'`
      )
    }
  }

  /** Configuration keys that are not properties of a declared type (a typo, usually). */
  unknownKeys(id: ActionTypeId, configuration: Record<string, string>): string[] {
    const type = this.get(id)
    if (!type?.declared) return []
    return Object.keys(configuration).filter(k => !type.properties.some(p => p.name === k))
  }
}
