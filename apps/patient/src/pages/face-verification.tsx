import { useQuery } from '@tanstack/react-query';
import { Dialog } from 'antd-mobile';
import { get, post } from '../api/client';

/**
 * IDN-13: where the hospital requires it, adding oneself first passes face verification. The server
 * opens a session with the provider, the provider's capture runs (the sandbox asks what the camera
 * saw), and the server confirms with the provider and hands out a single-use token that the add
 * request carries. Refusals (another face, a photo, expired) come back as the server's message.
 */
export function useFaceVerificationRequired(): boolean {
  const setting = useQuery({
    queryKey: ['face-verification'],
    queryFn: () => get<{ required: boolean; provider: string }>('/face-verification'),
    staleTime: 60_000,
  });
  return setting.data?.required === true;
}

/**
 * The whole face step in one call: start, the (sandbox) capture, confirm. Resolves to the face token,
 * or undefined when the person cancels.
 */
export async function faceToken(
  l: (text: { zh: string; en: string }) => string,
  person: { name: string; idType: string; idNumber: string },
): Promise<string | undefined> {
  const session = await post<{ sessionId: string; providerSessionId: string; provider: string }>(
    '/face-sessions',
    person,
  );
  const choice = await new Promise<string>((resolve) => {
    Dialog.show({
      title: l({ zh: '刷脸认证', en: 'Face verification' }),
      content: l({
        zh: `请${person.name}本人正对镜头完成刷脸，确认是本人后才能添加为“本人”。`,
        en: `${person.name}, face the camera yourself: only the person themself can be added as "self".`,
      }),
      closeOnAction: true,
      onAction: (a) => resolve(String(a.key)),
      onClose: () => resolve('cancel'),
      actions:
        session.provider === 'sandbox'
          ? [
              { key: 'passed', text: l({ zh: '（沙箱）刷脸通过', en: '(Sandbox) face matches' }) },
              { key: 'mismatch', text: l({ zh: '（沙箱）不是本人', en: '(Sandbox) another person' }) },
              { key: 'cancel', text: l({ zh: '取消', en: 'Cancel' }) },
            ]
          : [
              { key: 'done', text: l({ zh: '已完成刷脸', en: 'Done' }), bold: true },
              { key: 'cancel', text: l({ zh: '取消', en: 'Cancel' }) },
            ],
    });
  });
  if (choice === 'cancel') return undefined;
  if (session.provider === 'sandbox')
    await post(`/sandbox/face-sessions/${session.providerSessionId}/capture`, { outcome: choice });
  const confirmed = await post<{ faceToken: string }>(`/face-sessions/${session.sessionId}/confirm`, {});
  return confirmed.faceToken;
}
