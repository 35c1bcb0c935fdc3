// The rotation procedure every notification repeats (seed 002): a second key first, so
// nothing breaks while applications move over.

export const ROTATION_STEPS = [
  'Create a second access key in addition to the one in use.',
  'Update all your applications to use the new access key and validate that they work.',
  'Change the state of the previous access key to inactive.',
  'Validate that your applications still work as expected.',
  'Delete the inactive access key.'
] as const
