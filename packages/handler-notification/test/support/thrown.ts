/** What a constructor throws (its typed error), or undefined when it does not throw. */
export const thrown = <A>(
  make: () => A
): { readonly _tag: string; readonly problems: ReadonlyArray<string> } | undefined => {
  try {
    make()
    return undefined
  } catch (error) {
    return error as { readonly _tag: string; readonly problems: ReadonlyArray<string> }
  }
}
