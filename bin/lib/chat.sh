# bin/baton chat "text": one chat turn against the running gateway, streamed to the terminal as it is generated.
# Sourced by bin/baton after system.sh; needs curl and jq.

chat_usage() {
  echo 'usage: bin/baton chat "TEXT" [--max-tokens N] [--temperature T] [--seed S] [--system TEXT] [--url http://127.0.0.1:8080]'
}

chat_run() {
  local text="" max_tokens=256 temperature="" seed="" system="" url=""
  while (( $# > 0 )); do
    case "$1" in
      -h|--help) chat_usage; return 0 ;;
      --max-tokens|--temperature|--seed|--system|--url)
        (( $# >= 2 )) || { echo "baton chat: $1 needs a value" >&2; return 2; }
        case "$1" in
          --max-tokens) max_tokens="$2" ;;
          --temperature) temperature="$2" ;;
          --seed) seed="$2" ;;
          --system) system="$2" ;;
          --url) url="$2" ;;
        esac
        shift 2 ;;
      -*) echo "baton chat: unknown option '$1'" >&2; chat_usage >&2; return 2 ;;
      *) [[ -z "$text" ]] || { echo "baton chat: give the text as one argument (quote it)" >&2; return 2; }
         text="$1"; shift ;;
    esac
  done
  [[ -n "$text" ]] || { chat_usage >&2; return 2; }
  command -v jq >/dev/null || { echo "baton chat: needs jq (apt-get install jq)" >&2; return 1; }
  local model=""
  if system_load_env; then
    url="${url:-http://127.0.0.1:$UP_PORT}"
    model="$UP_MODEL_NAME"
  fi
  url="${url:-http://127.0.0.1:8080}"
  if [[ -z "$model" ]]; then
    model="$(curl -sS --max-time 10 "$url/v1/models" | jq -r '.data[0].id // empty')"
    [[ -n "$model" ]] || { echo "baton chat: no gateway answers at $url (bin/baton up first)" >&2; return 1; }
  fi
  local body
  body="$(jq -n --arg model "$model" --arg text "$text" --arg system "$system" --argjson max "$max_tokens" \
      --arg temperature "$temperature" --arg seed "$seed" '
    {model: $model, stream: true, max_tokens: $max,
     messages: ((if $system == "" then [] else [{role: "system", content: $system}] end) + [{role: "user", content: $text}])}
    + (if $temperature == "" then {} else {temperature: ($temperature | tonumber)} end)
    + (if $seed == "" then {} else {seed: ($seed | tonumber)} end)')" || { echo "baton chat: --max-tokens, --temperature and --seed take numbers" >&2; return 2; }
  # SSE lines "data: {chunk}" carry the text; an error arrives either as a plain JSON body (refused before the
  # stream began) or as a chunk with an "error" member (failed mid-stream).
  curl -sS -N --max-time 600 "$url/v1/chat/completions" -H 'Content-Type: application/json' ${BATON_API_KEY:+-H "Authorization: Bearer $BATON_API_KEY"} -d "$body" \
    | jq -R --unbuffered -j '
        def report: if has("error") then ("\nerror: " + (.error.message // tostring) + "\n" | halt_error(1)) else empty end;
        if startswith("data: ") then .[6:] | (if . == "[DONE]" then "\n" else fromjson | (report, (.choices[0].delta.content // empty)) end)
        elif startswith("{") then fromjson | report
        else empty end'
}
