// Public surface of the directory module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { departments, doctors } from './schema.js';
export { directorySeed } from './seed.js';
export {
  DOCTOR_TITLES,
  directoryNames,
  getDepartment,
  getDepartmentTree,
  getDoctor,
  listDoctorsOfDepartment,
} from './service.js';
