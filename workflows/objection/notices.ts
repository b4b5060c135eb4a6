/** Recipients and channels of the objection's notices: the case kit's, under the names the objection code uses. */
export { applicantChannel, creditOfficeOf, providerOf, supervisorOf } from '../case/notices';
