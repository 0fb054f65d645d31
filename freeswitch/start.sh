#!/bin/sh
# Starts FreeSWITCH for the IVR/ACD service (docker-compose runs this as the
# container's entrypoint). It:
#  1. installs espeak-ng and sox when the image lacks them (TTS for pl and en;
#     needs network on first start; bake them into your own image to avoid it),
#  2. copies the read-only configuration (/etc/ivr/freeswitch) to a writable
#     directory and writes secrets.xml there from the environment:
#       FREESWITCH_SECRET  event-socket password (letters, digits, -_.), default ClueCon
#       EXT_RTP_IP         public address put in SDP for RTP (default: auto)
#  3. runs FreeSWITCH in the foreground with that configuration.
set -eu

if ! command -v espeak-ng >/dev/null 2>&1 || ! command -v sox >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "start.sh: installing espeak-ng and sox for text-to-speech"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends espeak-ng sox >/dev/null \
      || echo "start.sh: WARNING could not install espeak-ng/sox: TTS prompts will be silent"
  else
    echo "start.sh: WARNING espeak-ng/sox missing and no apt-get: TTS prompts will be silent"
  fi
fi

SECRET="${FREESWITCH_SECRET:-ClueCon}"
case "$SECRET" in
  *[!A-Za-z0-9._-]*) echo "start.sh: FREESWITCH_SECRET may only hold letters, digits, '.', '_' and '-'" >&2; exit 1 ;;
esac
EXT_IP="${EXT_RTP_IP:-auto}"
case "$EXT_IP" in
  *[!A-Za-z0-9.:_-]*) echo "start.sh: EXT_RTP_IP must be an address or auto" >&2; exit 1 ;;
esac

CONF=/tmp/freeswitch-conf
rm -rf "$CONF"
cp -r /etc/ivr/freeswitch "$CONF"
cat > "$CONF/secrets.xml" <<XML
<include>
  <X-PRE-PROCESS cmd="set" data="event_socket_password=$SECRET"/>
  <X-PRE-PROCESS cmd="set" data="ext_rtp_ip=$EXT_IP"/>
</include>
XML

FS_BASE=/usr/local/freeswitch
mkdir -p "$FS_BASE/log" "$FS_BASE/db" /recordings
FS_BIN="$(command -v freeswitch || echo "$FS_BASE/bin/freeswitch")"
# -conf needs -log and -db too (FreeSWITCH refuses one without the others).
exec "$FS_BIN" -nonat -nf -conf "$CONF" -log "$FS_BASE/log" -db "$FS_BASE/db" "$@"
