#!/usr/bin/env bash
# Regenerates the demo show's media in demo/media/ with ffmpeg:
#   - one short H.264/AAC MP4 per video token (640x360, 25 fps, ~5 s),
#   - idle.png (1280x720 idle screen) and idle.mp4 (~4 s seamless idle loop).
# Usage: scripts/make-demo-media.sh   (from anywhere; FFMPEG=/path/to/ffmpeg to override)
set -euo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "${script_dir}/.." && pwd)"
out_dir="${repo_root}/demo/media"
ffmpeg_bin="${FFMPEG:-ffmpeg}"

# The video tokens of demo/tokens.json: "<token id> <sine frequency in Hz>".
video_tokens=(
  "hos001 330"
  "jaw011 440"
  "rat001 550"
  "vik003 660"
)

if ! command -v "${ffmpeg_bin}" >/dev/null 2>&1; then
  echo "error: ffmpeg not found (install it or set FFMPEG)" >&2
  exit 1
fi

# A bold sans font for drawtext; without one the clips are made without text.
font=""
for candidate in \
  /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
  /usr/share/fonts/TTF/DejaVuSans-Bold.ttf \
  /usr/share/fonts/dejavu/DejaVuSans-Bold.ttf; do
  if [[ -f "${candidate}" ]]; then
    font="${candidate}"
    break
  fi
done
if [[ -z "${font}" ]] && command -v fc-match >/dev/null 2>&1; then
  font="$(fc-match -f '%{file}' 'sans:bold' 2>/dev/null || true)"
  [[ -f "${font}" ]] || font=""
fi
# (The filter list is captured first: `ffmpeg | grep -q` can fail under pipefail via SIGPIPE.)
filters="$("${ffmpeg_bin}" -hide_banner -filters 2>/dev/null || true)"
if [[ -n "${font}" && "${filters}" != *" drawtext "* ]]; then
  font=""
fi
if [[ -z "${font}" ]]; then
  echo "warning: no usable font or no drawtext filter; generating media without text" >&2
fi

# Keeps the output reproducible: no encoder/creation-time metadata.
common_out=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
x264_out=(-c:v libx264 -preset veryslow -crf 30 -pix_fmt yuv420p -r 25 -g 50 -movflags +faststart)

mkdir -p "${out_dir}"

for entry in "${video_tokens[@]}"; do
  read -r token_id freq <<<"${entry}"
  vf="format=yuv420p"
  if [[ -n "${font}" ]]; then
    vf="drawbox=x=0:y=ih/2-70:w=iw:h=140:color=black@0.65:t=fill"
    vf+=",drawtext=fontfile=${font}:text=${token_id}:fontsize=72:fontcolor=white:x=(w-text_w)/2:y=h/2-58"
    vf+=",drawtext=fontfile=${font}:text='memory token':fontsize=24:fontcolor=0xCCCCCC:x=(w-text_w)/2:y=h/2+28"
    vf+=",format=yuv420p"
  fi
  echo "making ${out_dir}/${token_id}.mp4"
  "${ffmpeg_bin}" -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=25:duration=5" \
    -f lavfi -i "sine=frequency=${freq}:sample_rate=44100:duration=5" \
    -filter:v "${vf}" -filter:a "volume=0.2" \
    "${x264_out[@]}" \
    -c:a aac -b:a 48k -ac 1 -shortest \
    "${common_out[@]}" "${out_dir}/${token_id}.mp4"
done

idle_bg="0x10131a"
idle_text="Waiting for the next memory…"

echo "making ${out_dir}/idle.png"
png_vf="null"
if [[ -n "${font}" ]]; then
  png_vf="drawtext=fontfile=${font}:text='${idle_text}':fontsize=56:fontcolor=0xB8C2D6:x=(w-text_w)/2:y=(h-text_h)/2"
fi
"${ffmpeg_bin}" -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=${idle_bg}:size=1280x720:rate=1:duration=1" \
  -filter:v "${png_vf}" -frames:v 1 \
  "${common_out[@]}" "${out_dir}/idle.png"

# The text fades in and out over exactly one 4 s period so the clip loops seamlessly.
echo "making ${out_dir}/idle.mp4"
idle_vf="format=yuv420p"
if [[ -n "${font}" ]]; then
  idle_vf="drawtext=fontfile=${font}:text='${idle_text}':fontsize=28:fontcolor=0xB8C2D6"
  idle_vf+=":alpha=0.6+0.4*cos(2*PI*t/4):x=(w-text_w)/2:y=(h-text_h)/2,format=yuv420p"
fi
"${ffmpeg_bin}" -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=${idle_bg}:size=640x360:rate=25:duration=4" \
  -f lavfi -i "anullsrc=channel_layout=mono:sample_rate=44100" \
  -filter:v "${idle_vf}" \
  "${x264_out[@]}" \
  -c:a aac -b:a 32k -shortest \
  "${common_out[@]}" "${out_dir}/idle.mp4"

echo "done:"
ls -l "${out_dir}"
