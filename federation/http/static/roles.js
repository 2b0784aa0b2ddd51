// The demo's role picker: when the gateway serves /demo/roles (only `splp demo` does), a bar
// above GraphiQL picks a role (and a NIK for a citizen, an OPD for an operator), fetches a demo
// token and puts `Authorization` and `X-SPLP-Purpose` in GraphiQL's headers.
(function () {
  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  const h = React.createElement;
  function render(headers, key) {
    root.render(h(GraphiQL, {
      key, fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: false,
      headers: headers ? JSON.stringify(headers, null, 2) : undefined,
    }));
  }
  render(null, 'anonymous');
  fetch('/demo/roles').then(r => r.ok ? r.json() : null).then(demo => {
    if (!demo) return;
    const bar = document.getElementById('splp-roles');
    bar.style.display = 'flex';
    const role = document.getElementById('splp-role');
    const nik = document.getElementById('splp-nik');
    const opd = document.getElementById('splp-opd');
    for (const name of ['anonim', ...demo.roles]) role.add(new Option(name, name));
    for (const name of demo.opds) opd.add(new Option(name, name));
    if (demo.sample_nik) nik.value = demo.sample_nik;
    async function choose() {
      nik.style.display = role.value === 'warga' ? '' : 'none';
      opd.style.display = role.value === 'operator' ? '' : 'none';
      if (role.value === 'anonim') { render(null, 'anonymous'); return; }
      const query = new URLSearchParams({ role: role.value, nik: nik.value, opd: opd.value });
      const answer = await fetch('/demo/token?' + query);
      const body = await answer.json();
      if (!answer.ok) { alert(body.error); return; }
      render({ Authorization: 'Bearer ' + body.token, 'X-SPLP-Purpose': body.purpose }, query.toString());
    }
    role.onchange = nik.onchange = opd.onchange = choose;
    choose();
  });
})();
