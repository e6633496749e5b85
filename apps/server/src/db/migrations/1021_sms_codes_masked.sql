-- Codes are secrets (issue 9): the SMS log kept login, consent and report-extraction codes in clear,
-- and the operator could read them and log in as any patient. New messages are stored with the code
-- masked by the sender; the ones already stored lose their codes here.
UPDATE sms_messages
   SET content = regexp_replace(content, '[0-9]{4,8}', '******', 'g')
 WHERE template LIKE '%\_code';
