/* export_fixture.h: the small cluster the export tests share (test_snapshot, test_dot,
 * test_table): a GatewayClass, a Gateway with two listeners, Services, an attached route with
 * a missing canary backend, an unattached route, a GAMMA mesh route, and a route whose name,
 * hostname and backend carry quotes, newlines, backslashes and ESC bytes. Objects are written
 * as JSON with single quotes (turned into double quotes) and decoded with decode_text. */
#ifndef EXPORT_FIXTURE_H
#define EXPORT_FIXTURE_H
#include <string.h>

#include "gammatop/decode.h"
#include "gammatop/store.h"
#include "gammatop/xalloc.h"

/* The hostile route: name, hostname and a backend name with '"', '\n', '\\' and ESC. */
#define HOSTILE_NAME "ev\"il\n\x1b[31mred\\"
#define HOSTILE_JSON_NAME "ev\\\"il\\n\\u001b[31mred\\\\"

static const char *const fixture_objects[] = {
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass',"
	" 'metadata':{'name':'eg'},'spec':{'controllerName':'example.com/gateway'},"
	" 'status':{'conditions':[{'type':'Accepted','status':'True','reason':'Accepted'}]}}",
	"{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'infra'}}",
	"{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'default'}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway',"
	" 'metadata':{'name':'main','namespace':'infra'},"
	" 'spec':{'gatewayClassName':'eg','listeners':["
	"  {'name':'http','port':80,'protocol':'HTTP','hostname':'*.example.com',"
	"   'allowedRoutes':{'namespaces':{'from':'All'}}},"
	"  {'name':'https','port':443,'protocol':'HTTPS','hostname':'secure.example.com',"
	"   'allowedRoutes':{'namespaces':{'from':'All'}}}]},"
	" 'status':{'listeners':[{'name':'http','attachedRoutes':1,'conditions':[]}]}}",
	"{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'default',"
	" 'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'SECRET-LAST-APPLIED'}},"
	" 'spec':{'ports':[{'name':'http','port':8080}]}}",
	"{'apiVersion':'v1','kind':'Service','metadata':{'name':'api','namespace':'default'},"
	" 'spec':{'clusterIP':'10.0.0.7','ports':[{'name':'http','port':80}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
	" 'metadata':{'name':'web','namespace':'default',"
	"  'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'SECRET-LAST-APPLIED'}},"
	" 'spec':{'parentRefs':[{'name':'main','namespace':'infra','sectionName':'http'}],"
	"  'hostnames':['www.example.com'],"
	"  'rules':[{'name':'main','matches':[{'path':{'type':'PathPrefix','value':'/'},"
	"     'headers':[{'name':'x-env','value':'prod'}],'method':'GET'}],"
	"    'backendRefs':[{'name':'web','port':8080,'weight':90},"
	"                   {'name':'canary','port':8080,'weight':10}],"
	"    'timeouts':{'request':'10s','backendRequest':'2s'},"
	"    'retry':{'attempts':3,'backoff':'100ms','codes':[502,503]}},"
	"   {'matches':[{'path':{'type':'Exact','value':'/health'}}],"
	"    'backendRefs':[{'name':'web','port':8080}]}]},"
	" 'status':{'parents':[{'parentRef':{'name':'main','namespace':'infra','sectionName':'http'},"
	"   'controllerName':'example.com/gateway',"
	"   'conditions':[{'type':'Accepted','status':'True','reason':'Accepted'}]}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
	" 'metadata':{'name':'orphan','namespace':'default'},"
	" 'spec':{'parentRefs':[{'name':'missing-gw'}],"
	"  'rules':[{'backendRefs':[{'name':'web','port':8080}]}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
	" 'metadata':{'name':'api-mesh','namespace':'default'},"
	" 'spec':{'parentRefs':[{'group':'','kind':'Service','name':'api','port':80}],"
	"  'rules':[{'backendRefs':[{'name':'api','port':80}],'timeouts':{'request':'3s'}}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
	" 'metadata':{'name':'" HOSTILE_JSON_NAME "','namespace':'default'},"
	" 'spec':{'parentRefs':[{'name':'main','namespace':'infra'}],"
	"  'hostnames':['" HOSTILE_JSON_NAME ".example.com'],"
	"  'rules':[{'backendRefs':[{'name':'" HOSTILE_JSON_NAME "','port':1}]}]}}",
};

/* Decode one object written with single quotes and put it in s; NULL on success, else the
 * decoder's message (static buffer). */
static const char *fixture_put(struct gt_store *s, const char *sq)
{
	static char err[512];
	char *text = xstrdup(sq);
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct gt_object *o = NULL;
	err[0] = '\0';
	enum decode_result r = decode_text(text, strlen(text), &o, err, sizeof err);
	free(text);
	if (r != DECODE_OK)
		return err[0] ? err : "not decoded";
	store_put(s, o);
	return NULL;
}

/* A store holding every fixture object (fails the test when one does not decode). */
static struct gt_store *fixture_store(void)
{
	struct gt_store *s = store_new();
	for (size_t i = 0; i < sizeof fixture_objects / sizeof fixture_objects[0]; i++) {
		const char *err = fixture_put(s, fixture_objects[i]);
		if (err)
			fail_msg("fixture %zu does not decode: %s", i, err);
	}
	return s;
}

#endif
