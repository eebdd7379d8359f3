// Job summary Markdown: values from users and APIs must not break the table they sit in.

/** Text safe inside a table cell: pipes escaped, line breaks kept as <br>. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

/** Inline code; backticks are dropped because they would end it. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``
}
