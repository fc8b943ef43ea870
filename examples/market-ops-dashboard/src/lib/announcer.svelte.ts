/** A polite live region's text: what just happened, for screen readers (and shown in the banner). */
class Announcer {
  message = $state("")

  say(message: string): void {
    this.message = message
  }
}

export const announcer = new Announcer()
