/**
 * How the video is encoded. bench/render.ts times x264 alone with exactly `videoEncoderArgs`, so
 * the benchmark's baseline always matches what renders use.
 *
 * `-preset veryfast -crf 20 -x264-params subme=1:me=dia`: a 30-second 1080p slideshow must encode
 * in well under 15 s on 2 cores. x264 alone on 900 frames like the benchmark's (PSNR against them):
 *
 *   veryfast                 13.1 s  10.1 MB  47.5 dB
 *   veryfast subme=1 me=dia   8.1 s  10.3 MB  46.8 dB   ← this
 *   superfast                 8.0 s  17.8 MB  49.8 dB   (1.7× the bits)
 *
 * Sub-pixel refinement (subme 2 → 1) and the hexagon search were 40% of the time for 2% more
 * bits: slow zooms and pans do not need them. It keeps what superfast drops and slideshows need:
 * mb-tree rate control with its lookahead (a still photo gets its bits once, not every frame)
 * and the inter partitions. CRF 20 keeps gradients free of banding and fine detail unsmeared, at
 * ~3 Mbit/s for the benchmark's busy pictures.
 */
export const x264Preset = 'veryfast';
export const x264Crf = 20;
export const x264Params = 'subme=1:me=dia';

export const videoEncoderArgs: readonly string[] = [
  '-c:v',
  'libx264',
  '-preset',
  x264Preset,
  '-crf',
  String(x264Crf),
  '-x264-params',
  x264Params,
  '-pix_fmt',
  'yuv420p',
  '-profile:v',
  'high',
  // Photos are converted to BT.709 once; say so, so players do not guess.
  '-colorspace',
  'bt709',
  '-color_primaries',
  'bt709',
  '-color_trc',
  'bt709',
  '-color_range',
  'tv',
];

export const audioEncoderArgs: readonly string[] = [
  '-c:a',
  'aac',
  '-b:a',
  '160k',
  '-ar',
  '48000',
  '-ac',
  '2',
];

/** MP4 that starts playing before it has downloaded, with nothing copied from the uploads' metadata. */
export const containerArgs: readonly string[] = [
  '-movflags',
  '+faststart',
  '-map_metadata',
  '-1',
  '-map_chapters',
  '-1',
  '-f',
  'mp4',
];
