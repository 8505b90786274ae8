/** What the engine knows about an uploaded file; the director plans with it, the renderer reads its bytes. */
export interface MediaItem {
  /** 32 hex characters; the file is stored under this generated name, never under the person's. */
  id: string;
  kind: 'image' | 'video' | 'audio';
  /** The name the person gave the file, for replies and summaries only. */
  name: string;
  /** Clips and audio only. */
  durationMs?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
}
