import { useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Spin } from 'antd';
import { getTokens, onSessionEnded } from './api/session';
import { getMe, type Me } from './api/staff';

export interface LoginNotice {
  code: string;
  message: string;
}

/** The logged-in user; children render only once /staff/me answered. */
export function useMe(): Me | undefined {
  return useQuery({ queryKey: ['me'], queryFn: getMe, enabled: !!getTokens(), staleTime: 60_000 }).data;
}

/**
 * Guards the console: no token → login; a session the server ended (idle timeout, revoked) →
 * login with the server's message.
 */
export function RequireLogin({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  useEffect(
    () =>
      onSessionEnded((end) => {
        qc.clear();
        navigate('/login', { replace: true, state: { notice: end, from: location.pathname } });
      }),
    [navigate, qc, location.pathname],
  );
  const me = useQuery({ queryKey: ['me'], queryFn: getMe, enabled: !!getTokens(), staleTime: 60_000 });
  if (!getTokens()) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (me.isLoading) return <Spin fullscreen />;
  if (me.data?.user.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <>{children}</>;
}
