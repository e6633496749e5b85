/**
 * The sandbox population: the people the sandbox real-name provider knows, by ID number. The demo
 * and the tests add patients from this list, so a wrong name for one of these numbers is refused in
 * the demo exactly as a real provider would refuse it. README "Demo people" lists them.
 */
export interface RegistryPerson {
  name: string;
  idNumber: string;
}

export const SANDBOX_PEOPLE: readonly RegistryPerson[] = [
  { name: '张伟', idNumber: '110101198005120313' },
  { name: '李娜', idNumber: '310104198508230422' },
  { name: '王芳', idNumber: '440106197803010243' },
  { name: '刘洋', idNumber: '510107199207150518' },
  { name: '陈静', idNumber: '330106199511300621' },
  { name: '赵磊', idNumber: '210102197002090134' },
  { name: '李秀英', idNumber: '310104195204180282' },
  // minors: 王小明 (born 2018) and 王小红 (born 2015) are under 14; 刘子涵 (born 2010) is 14 or older
  { name: '王小明', idNumber: '110101201806050153' },
  { name: '王小红', idNumber: '110101201510200263' },
  { name: '刘子涵', idNumber: '510107201003080378' },
];
