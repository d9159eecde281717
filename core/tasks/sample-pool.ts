// Our own sample data, larger than the base scenario, from which a seeded population draws. Plain data only.

export interface PoolPerson {
  name: string;
  relationship: string;
}

export const SELF_NAMES: readonly string[] = [
  "Tomas Haake",
  "Maya Lindqvist",
  "Daniel Okafor",
  "Priya Raman",
  "Lucas Moreau",
  "Hana Sato",
];

export const PEOPLE: readonly PoolPerson[] = [
  { name: "Fredrik Thordendal", relationship: "friend" },
  { name: "John Petrucci", relationship: "friend" },
  { name: "Homer S", relationship: "boss" },
  { name: "Alice Moreno", relationship: "sister" },
  { name: "Benjamin Clarke", relationship: "coworker" },
  { name: "Chloe Nguyen", relationship: "friend" },
  { name: "Diego Alvarez", relationship: "brother" },
  { name: "Elena Petrova", relationship: "dentist" },
  { name: "Farah Haddad", relationship: "neighbor" },
  { name: "George Whitman", relationship: "landlord" },
  { name: "Ingrid Berg", relationship: "mother" },
  { name: "Jamal Carter", relationship: "coworker" },
  { name: "Keiko Tanaka", relationship: "friend" },
  { name: "Liam O'Connor", relationship: "cousin" },
  { name: "Nadia Rahman", relationship: "manager" },
  { name: "Oscar Lindgren", relationship: "father" },
  { name: "Paula Souza", relationship: "friend" },
  { name: "Rafael Costa", relationship: "plumber" },
  { name: "Sofia Rossi", relationship: "teammate" },
  { name: "Victor Hugo Lam", relationship: "mentor" },
];

/** Texts a contact might have sent the user. */
export const INCOMING_MESSAGES: readonly string[] = [
  "Are we still on for lunch tomorrow?",
  "Can you send me the slides from today?",
  "Running ten minutes late, sorry!",
  "Happy birthday! Hope you have a great day.",
  "Did you see the game last night?",
  "The rent is due on Friday, just a reminder.",
  "Call me when you get a chance.",
  "I left your charger at my place.",
  "How's it going with the new project?",
  "Dinner at 7 works for me.",
];

/** Texts the user might have sent. */
export const OUTGOING_MESSAGES: readonly string[] = [
  "Sounds good, see you there.",
  "Thanks for the help today!",
  "Can we move the meeting to Thursday?",
  "I'll pick up groceries on the way home.",
  "Just landed, will call soon.",
  "Let me check and get back to you.",
];

/** Texts from numbers not in the address book. */
export const STRANGER_MESSAGES: readonly string[] = [
  "Your package is waiting for pickup.",
  "You have won a free cruise, reply YES to claim.",
  "Your verification code is 482913.",
];

export interface PoolReminder {
  content: string;
  /** A place the reminder is tied to, if any. */
  place?: { latitude: number; longitude: number };
}

export const REMINDERS: readonly PoolReminder[] = [
  { content: "Look for Company SF tickets" },
  { content: "Buy tickets for Merrily next week" },
  {
    content: "Buy a nice rich navy bathing dress",
    place: { latitude: 37.3237926356735, longitude: -122.03961770355414 },
  },
  { content: "Renew passport" },
  { content: "Call the dentist to reschedule" },
  { content: "Pick up dry cleaning", place: { latitude: 37.3318, longitude: -122.0312 } },
  { content: "Water the plants" },
  { content: "Submit expense report" },
  { content: "Return library books", place: { latitude: 37.3229, longitude: -122.0405 } },
  { content: "Book flights for the holidays" },
  { content: "Pay the electricity bill" },
  { content: "Buy a birthday gift for Alice" },
];

export const STRANGER_PHONE_NUMBERS: readonly string[] = ["+18307976530", "+14155550142", "+12125550199"];
